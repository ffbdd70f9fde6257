"""Transforms that read images and label maps from storage."""
import os.path as osp
from typing import Optional

import mmcv
import numpy as np
from mmengine import fileio

from mmseg.registry import TRANSFORMS

DISK = dict(backend='disk')


def _backend_args(file_client_args: Optional[dict]) -> Optional[dict]:
    """mmengine ``backend_args`` for 0.28 ``file_client_args``."""
    args = dict(file_client_args or {})
    if args.get('backend', 'disk') == 'disk':
        return None  # mmengine picks the local backend from the path
    return args


def _under(prefix: Optional[str], name: str) -> str:
    return name if prefix is None else osp.join(prefix, name)


def read_image(path: str, flag: str, backend: str,
               backend_args: Optional[dict] = None) -> np.ndarray:
    """Read and decode one image file.

    Args:
        path: File path or URI.
        flag: ``mmcv.imfrombytes`` flag ('color', 'unchanged', ...).
        backend: Decoding backend ('cv2', 'pillow', ...).
        backend_args: mmengine storage backend arguments.

    Returns:
        The decoded array.
    """
    try:
        content = fileio.get(path, backend_args=backend_args)
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"image file '{path}' does not exist; check the dataset's "
            'data_root / img_dir / ann_dir') from err
    try:
        img = mmcv.imfrombytes(content, flag=flag, backend=backend)
    except (OSError, ValueError):  # e.g. PIL's UnidentifiedImageError
        img = None
    if img is None:  # cv2 returns None for undecodable bytes
        raise ValueError(
            f"cannot decode '{path}' ({len(content)} bytes) as an image: the "
            'file is corrupt or not an image; replace or remove it')
    return img


def _neutral_norm_cfg(img: np.ndarray) -> dict:
    channels = 1 if img.ndim < 3 else img.shape[2]
    return dict(mean=np.zeros(channels, dtype=np.float32),
                std=np.ones(channels, dtype=np.float32), to_rgb=False)


@TRANSFORMS.register_module()
class LoadImageFromFile:
    """Read ``img_prefix / img_info['filename']`` into ``results['img']``.

    Also sets ``filename``, ``ori_filename``, ``img_shape``, ``ori_shape``,
    ``pad_shape``, ``scale_factor`` (1.0) and a neutral ``img_norm_cfg``.

    Args:
        to_float32: Convert the (uint8) image to float32.
        color_type: ``mmcv.imfrombytes`` flag.
        file_client_args: Storage backend, e.g. ``dict(backend='disk')``.
        imdecode_backend: Decoding backend.
    """

    def __init__(self,
                 to_float32: bool = False,
                 color_type: str = 'color',
                 file_client_args: dict = DISK,
                 imdecode_backend: str = 'cv2'):
        self.to_float32 = to_float32
        self.color_type = color_type
        self.file_client_args = dict(file_client_args)
        self.imdecode_backend = imdecode_backend

    def __call__(self, results: dict) -> dict:
        name = results['img_info']['filename']
        filename = _under(results.get('img_prefix'), name)
        img = read_image(filename, self.color_type, self.imdecode_backend,
                         _backend_args(self.file_client_args))
        if self.to_float32:
            img = img.astype(np.float32)
        results.update(
            filename=filename, ori_filename=name, img=img,
            img_shape=img.shape, ori_shape=img.shape, pad_shape=img.shape,
            scale_factor=1.0, img_norm_cfg=_neutral_norm_cfg(img))
        return results

    def __repr__(self) -> str:
        # 0.28's format: no space after the commas
        return (f'{type(self).__name__}(to_float32={self.to_float32},'
                f"color_type='{self.color_type}',"
                f"imdecode_backend='{self.imdecode_backend}')")


def label_lookup_table(label_map: Optional[dict],
                       reduce_zero_label: bool) -> np.ndarray:
    """Table ``t`` with ``t[old_label]`` the label after remapping.

    ``label_map`` is applied first (ids are wrapped to uint8, so a dropped
    class mapped to -1 becomes 255), then ``reduce_zero_label`` turns 0 into
    255, every other id ``x`` into ``x - 1`` and keeps 255 as 255.

    Args:
        label_map: Old id -> new id, or None.
        reduce_zero_label: Whether 0 is an "ignore" label to drop.

    Returns:
        A uint8 array of 256 entries.
    """
    table = np.arange(256, dtype=np.int64)
    for old_id, new_id in (label_map or {}).items():
        if 0 <= old_id < 256:  # other ids cannot occur in a uint8 map
            table[old_id] = new_id
    table %= 256
    if reduce_zero_label:
        table = np.where(table == 0, 255, table - 1)
        table[table == 254] = 255  # was 255, the ignore label
    return table.astype(np.uint8)


@TRANSFORMS.register_module()
class LoadAnnotations:
    """Read ``seg_prefix / ann_info['seg_map']`` into ``gt_semantic_seg``.

    The map is read as uint8; ``results['label_map']`` (class subsets) and
    then ``reduce_zero_label`` remap its ids (see
    :func:`label_lookup_table`). ``gt_semantic_seg`` joins ``seg_fields``.

    Args:
        reduce_zero_label: Make label 0 the ignore label 255 and shift the
            others down by one.
        file_client_args: Storage backend, e.g. ``dict(backend='disk')``.
        imdecode_backend: Decoding backend.
    """

    def __init__(self,
                 reduce_zero_label: bool = False,
                 file_client_args: dict = DISK,
                 imdecode_backend: str = 'pillow'):
        self.reduce_zero_label = reduce_zero_label
        self.file_client_args = dict(file_client_args)
        self.imdecode_backend = imdecode_backend

    def __call__(self, results: dict) -> dict:
        filename = _under(results.get('seg_prefix'),
                          results['ann_info']['seg_map'])
        seg = read_image(filename, 'unchanged', self.imdecode_backend,
                         _backend_args(self.file_client_args))
        seg = seg.squeeze().astype(np.uint8)
        if 'img' in results and seg.shape != results['img'].shape[:2]:
            raise ValueError(
                f'{filename}: the annotation is {seg.shape[0]}x'
                f'{seg.shape[1]} but its image '
                f'{results.get("filename")} is {results["img"].shape[0]}x'
                f'{results["img"].shape[1]}; label maps must have the size '
                'of their image')
        label_map = results.get('label_map')
        if label_map is not None or self.reduce_zero_label:
            seg = label_lookup_table(label_map, self.reduce_zero_label)[seg]
        results['gt_semantic_seg'] = seg
        seg_fields = results.setdefault('seg_fields', [])
        if 'gt_semantic_seg' not in seg_fields:
            seg_fields.append('gt_semantic_seg')
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}('
                f'reduce_zero_label={self.reduce_zero_label},'
                f"imdecode_backend='{self.imdecode_backend}')")
