"""Transforms that turn arrays into tensors and collect the model inputs."""
from collections.abc import Sequence
from typing import Iterable

import numpy as np
import torch

from mmseg.registry import TRANSFORMS

DEFAULT_META_KEYS = ('filename', 'ori_filename', 'ori_shape', 'img_shape',
                     'pad_shape', 'scale_factor', 'flip', 'flip_direction',
                     'img_norm_cfg')


def to_tensor(data) -> torch.Tensor:
    """A tensor from a tensor, array, sequence, int or float.

    Args:
        data: The value to convert (an int gives a LongTensor of one
            element, a float a FloatTensor of one element).

    Returns:
        The tensor (sharing memory with a contiguous array).
    """
    if isinstance(data, torch.Tensor):
        return data
    if isinstance(data, np.ndarray):
        # from_numpy rejects negative strides, e.g. of a flipped view
        return torch.from_numpy(np.ascontiguousarray(data))
    if isinstance(data, Sequence) and not isinstance(data, str):
        return torch.tensor(data)
    if isinstance(data, int):
        return torch.LongTensor([data])
    if isinstance(data, float):
        return torch.FloatTensor([data])
    raise TypeError(f'cannot convert {type(data).__name__} to a tensor')


def _chw(img: np.ndarray) -> np.ndarray:
    """(H, W, C) or (H, W) -> contiguous (C, H, W)."""
    if img.ndim < 3:
        img = img[..., None]
    return np.ascontiguousarray(img.transpose(2, 0, 1))


@TRANSFORMS.register_module()
class ToTensor:
    """Convert ``results[key]`` to a tensor for each of ``keys``.

    Args:
        keys: Keys to convert.
    """

    def __init__(self, keys: Iterable[str]):
        self.keys = keys

    def __call__(self, results: dict) -> dict:
        for key in self.keys:
            results[key] = to_tensor(results[key])
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keys={self.keys})'


@TRANSFORMS.register_module()
class ImageToTensor:
    """Convert (H, W, C) or (H, W) images to (C, H, W) tensors.

    Args:
        keys: Keys of the images.
    """

    def __init__(self, keys: Iterable[str]):
        self.keys = keys

    def __call__(self, results: dict) -> dict:
        for key in self.keys:
            results[key] = torch.from_numpy(_chw(results[key]))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keys={self.keys})'


@TRANSFORMS.register_module()
class Transpose:
    """Permute the axes of arrays.

    Args:
        keys: Keys of the arrays.
        order: New axis order, as for ``np.transpose``.
    """

    def __init__(self, keys: Iterable[str], order: Sequence[int]):
        self.keys = keys
        self.order = order

    def __call__(self, results: dict) -> dict:
        for key in self.keys:
            results[key] = results[key].transpose(self.order)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keys={self.keys}, order={self.order})'


@TRANSFORMS.register_module()
class DefaultFormatBundle:
    """Format ``img`` and ``gt_semantic_seg`` as model inputs.

    ``img`` becomes a contiguous float32 (C, H, W) tensor and
    ``gt_semantic_seg`` an int64 (1, H, W) tensor. ``pad_shape``,
    ``scale_factor`` and ``img_norm_cfg`` get neutral values if no earlier
    transform set them.
    """

    def __call__(self, results: dict) -> dict:
        if 'img' in results:
            img = results['img']
            channels = 1 if img.ndim < 3 else img.shape[2]
            results.setdefault('pad_shape', img.shape)
            results.setdefault('scale_factor', 1.0)
            results.setdefault('img_norm_cfg', dict(
                mean=np.zeros(channels, dtype=np.float32),
                std=np.ones(channels, dtype=np.float32), to_rgb=False))
            results['img'] = torch.from_numpy(_chw(img)).float()
        if 'gt_semantic_seg' in results:
            seg = results['gt_semantic_seg'][None].astype(np.int64)
            results['gt_semantic_seg'] = torch.from_numpy(seg)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}()'


@TRANSFORMS.register_module()
class Collect:
    """Keep ``keys`` and gather ``meta_keys`` into ``img_metas``.

    Returns ``{key: results[key] for key in keys}`` plus
    ``'img_metas': {key: results[key] for key in meta_keys}`` (a plain dict).

    Args:
        keys: Inputs to keep, e.g. ``['img', 'gt_semantic_seg']``.
        meta_keys: Keys of the meta dict.
    """

    def __init__(self, keys: Sequence[str],
                 meta_keys: Sequence[str] = DEFAULT_META_KEYS):
        self.keys = keys
        self.meta_keys = meta_keys

    def __call__(self, results: dict) -> dict:
        missing = [k for k in (*self.keys, *self.meta_keys)
                   if k not in results]
        if missing:
            raise KeyError(
                f'Collect: keys {missing} are not in the results (have '
                f'{sorted(results)}); add the transform that sets them or '
                'drop them from keys/meta_keys')
        data = {key: results[key] for key in self.keys}
        data['img_metas'] = {key: results[key] for key in self.meta_keys}
        return data

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(keys={self.keys}, '
                f'meta_keys={self.meta_keys})')
