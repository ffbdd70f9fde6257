"""File handling shared by the dataset converters in
``tools/convert_datasets/``: archives, images, label maps and tiles."""
import argparse
import gzip
import math
import os
import os.path as osp
import shutil
import sys
import tarfile
import zipfile
from typing import Callable, Dict, Iterable, List, Sequence, Tuple, TypeVar

import numpy as np
from mmengine.utils import mkdir_or_exist
from PIL import Image

Box = Tuple[int, int, int, int]  # x0, y0, x1, y1

# Layout written by 0.28's retinal vessel converters.
RETINAL_FOLDERS = ('images/training', 'images/validation',
                   'annotations/training', 'annotations/validation')
# Layout and label colours (label i <- colour i; 0: boundary and anything
# else) of 0.28's ISPRS (Potsdam, Vaihingen) converters.
ISPRS_FOLDERS = ('img_dir/train', 'img_dir/val', 'ann_dir/train',
                 'ann_dir/val')
ISPRS_COLORS = ((0, 0, 0), (255, 255, 255), (0, 0, 255), (0, 255, 255),
                (0, 255, 0), (255, 255, 0), (255, 0, 0))

Result = TypeVar('Result')


def add_output_arguments(
        parser: argparse.ArgumentParser, default_out: str,
        tmp_help: str = 'folder for the unpacked archives') -> None:
    """``--tmp_dir`` and ``-o/--out_dir`` (default ``data/default_out``),
    the options every converter takes."""
    parser.add_argument('--tmp_dir', '--tmp-dir', dest='tmp_dir',
                        help=tmp_help)
    parser.add_argument('-o', '--out_dir', '--out-dir', dest='out_dir',
                        default=osp.join('data', default_out),
                        help=f'output root (default: data/{default_out})')


def run_converter(convert: Callable[..., Result], *args) -> Result:
    """``convert(*args)``; a missing or malformed input exits with a
    one-line ``error: ...`` instead of a traceback."""
    try:
        return convert(*args)
    except (FileNotFoundError, ValueError) as exc:
        sys.exit(f'error: {exc}')


def split_summary(written: Dict[str, List[str]], out_dir: str) -> str:
    """'split: n images, ... -> out_dir'."""
    return ', '.join(f'{split}: {len(names)} images'
                     for split, names in written.items()) + f' -> {out_dir}'


def require_file(path: str, what: str) -> None:
    """Raise a one-line FileNotFoundError unless ``path`` is a file.

    Args:
        path: The expected file.
        what: What it is, for the message, e.g. 'DRIVE training.zip'.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: pass the path of {what}')


def extract(archive: str, dst: str) -> None:
    """Unpack a zip or tar (optionally compressed) archive into ``dst``."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(dst)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            tf.extractall(dst, filter='data')
    else:
        raise ValueError(f'{archive} is neither a zip nor a tar archive: '
                         'pass the file as downloaded')


def gunzip(src: str, dst: str) -> None:
    """Decompress the gzip file ``src`` to ``dst``."""
    with gzip.open(src, 'rb') as fin, open(dst, 'wb') as fout:
        shutil.copyfileobj(fin, fout)


def make_folders(root: str, folders: Iterable[str]) -> None:
    for folder in folders:
        mkdir_or_exist(osp.join(root, folder))


def list_files(folder: str) -> List[str]:
    """Sorted names of the files (not folders) in ``folder``."""
    if not osp.isdir(folder):
        raise FileNotFoundError(f'{folder} not found in the archive: pass '
                                'the archive as downloaded')
    return sorted(name for name in os.listdir(folder)
                  if osp.isfile(osp.join(folder, name)))


def read_rgb(path: str) -> np.ndarray:
    """An image file (any format PIL reads) as uint8 RGB ``(H, W, 3)``."""
    with Image.open(path) as image:
        return np.asarray(image.convert('RGB'))


def save_png(array: np.ndarray, path: str) -> None:
    """Write a uint8 ``(H, W)`` label map or ``(H, W, 3)`` RGB image."""
    Image.fromarray(np.ascontiguousarray(array, dtype=np.uint8)).save(path)


def image_to_png(src: str, dst: str) -> None:
    """Re-encode an image as an RGB PNG (alpha dropped, grey expanded)."""
    save_png(read_rgb(src), dst)


def vessel_label(path: str) -> np.ndarray:
    """A manual vessel segmentation as a 0/1 uint8 map.

    A pixel is a vessel where its blue channel is at least 128, as 0.28
    thresholded the first channel of the BGR image: some of the
    annotation files are not strictly black and white.
    """
    return (read_rgb(path)[..., 2] >= 128).astype(np.uint8)


def vessel_label_to_png(src: str, dst: str) -> None:
    save_png(vessel_label(src), dst)


def split_sorted(names: Sequence[str], num_train: int, expected: int,
                 what: str) -> Dict[str, List[str]]:
    """The first ``num_train`` sorted names for training, the rest for
    validation; the archive must hold exactly ``expected`` files.

    Returns:
        ``{'training': [...], 'validation': [...]}``.
    """
    if len(names) != expected:
        raise ValueError(f'{what} holds {len(names)} files, expected '
                         f'{expected}: pass the complete archive as '
                         'downloaded')
    names = sorted(names)
    return dict(training=names[:num_train], validation=names[num_train:])


def colors_to_labels(rgb: np.ndarray,
                     colors: Sequence[Sequence[int]]) -> np.ndarray:
    """Label ``i`` where a pixel has exactly the RGB colour ``colors[i]``,
    0 where it has none of them."""
    codes = (rgb.astype(np.int64) * (1 << 16, 1 << 8, 1)).sum(-1)
    labels = np.zeros(codes.shape, dtype=np.uint8)
    for index, color in enumerate(colors):
        r, g, b = color
        labels[codes == (r << 16) + (g << 8) + b] = index
    return labels


def isprs_tiles(height: int, width: int, clip_size: int,
                stride_size: int) -> List[Box]:
    """The ``clip_size`` square tiles 0.28's ISPRS converters cut.

    Tiles start at multiples of ``clip_size`` (the last row and column
    moved back to end at the border); ``stride_size`` only sets how many
    starts are tried, ``ceil((side - clip_size) / stride_size) + 1``, as
    in 0.28, so that its tiles (and file names) come out the same.

    Returns:
        Distinct ``(x0, y0, x1, y1)`` boxes, row by row.
    """
    if clip_size < 1 or stride_size < 1:
        raise ValueError(f'--clip_size {clip_size} and --stride_size '
                         f'{stride_size} must be positive')
    if height < clip_size or width < clip_size:
        raise ValueError(f'image of {height}x{width} is smaller than '
                         f'--clip_size {clip_size}: pass a smaller clip size')

    def starts(side: int) -> List[int]:
        count = math.ceil((side - clip_size) / stride_size) + 1
        return sorted({min(i * clip_size, side - clip_size)
                       for i in range(count)})

    return [(x, y, x + clip_size, y + clip_size) for y in starts(height)
            for x in starts(width)]


def add_isprs_tile_arguments(parser: argparse.ArgumentParser) -> None:
    """``--clip_size`` and ``--stride_size`` of the ISPRS converters."""
    parser.add_argument('--clip_size', '--clip-size', dest='clip_size',
                        type=int, default=512, help='side of the patches')
    parser.add_argument('--stride_size', '--stride-size', dest='stride_size',
                        type=int, default=256,
                        help='stride that sets the number of patches')


def clip_isprs_tile(path: str, is_label: bool, out_dir: str, split: str,
                    prefix: str, clip_size: int,
                    stride_size: int) -> List[str]:
    """Cut one ISPRS image or label (RGB class colours) tile into
    ``OUT_DIR/{img,ann}_dir/split/prefix_x0_y0_x1_y1.png`` patches.

    Returns:
        The written file names.
    """
    array = read_rgb(path)
    if is_label:
        array = colors_to_labels(array, ISPRS_COLORS)
    folder = osp.join(out_dir, 'ann_dir' if is_label else 'img_dir', split)
    names = []
    for x0, y0, x1, y1 in isprs_tiles(*array.shape[:2], clip_size,
                                      stride_size):
        names.append(f'{prefix}_{x0}_{y0}_{x1}_{y1}.png')
        save_png(array[y0:y1, x0:x1], osp.join(folder, names[-1]))
    return names


def sliding_windows(height: int, width: int, patch_h: int, patch_w: int,
                    overlap: int) -> List[Box]:
    """Patches of ``patch_h x patch_w`` every ``patch - overlap`` pixels,
    the last row and column moved back to end at the border (the image
    must be at least one patch large).

    Returns:
        Distinct ``(x0, y0, x1, y1)`` boxes, column by column.
    """
    if overlap >= min(patch_h, patch_w):
        raise ValueError(f'--overlap_area {overlap} must be smaller than '
                         f'the patch size {patch_h}x{patch_w}')

    def starts(side: int, patch: int) -> List[int]:
        return sorted({min(s, side - patch)
                       for s in range(0, side, patch - overlap)})

    return [(x, y, x + patch_w, y + patch_h)
            for x in starts(width, patch_w) for y in starts(height, patch_h)]


def pad_to(array: np.ndarray, height: int, width: int,
           value: int) -> np.ndarray:
    """Pad at the bottom and right to at least ``height x width``."""
    pad_h = max(height - array.shape[0], 0)
    pad_w = max(width - array.shape[1], 0)
    if not pad_h and not pad_w:
        return array
    pads = [(0, pad_h), (0, pad_w)] + [(0, 0)] * (array.ndim - 2)
    return np.pad(array, pads, constant_values=value)
