"""Convert the iSAID archives to the mmseg layout.

Reads DATASET_PATH/{train,val}/images/*.zip (``images/P0000.png``),
DATASET_PATH/{train,val}/Semantic_masks/*.zip
(``images/P0000_instance_color_RGB.png``, RGB class colours) and
DATASET_PATH/test/images/*.zip, cuts train and val images into
overlapping patches (images smaller than a patch are padded: 0 for
images, 255 for labels) and writes::

    OUT_DIR/img_dir/{train,val}/P0000_{y0}_{y1}_{x0}_{x1}.png
    OUT_DIR/ann_dir/{train,val}/P0000_{y0}_{y1}_{x0}_{x1}_instance_color_RGB.png
    OUT_DIR/img_dir/test/P0000.png  (whole images)

Labels: 0 background (and unknown colours), 1..15 the iSAID classes.

Usage:
    python tools/convert_datasets/isaid.py downloads/iSAID -o data/iSAID
"""
import argparse
import glob
import os.path as osp
import shutil
import tempfile
from typing import Dict, Optional

import numpy as np

from mmseg.utils.dataset_files import (
    add_output_arguments,
    colors_to_labels,
    extract,
    make_folders,
    pad_to,
    read_rgb,
    run_converter,
    save_png,
    sliding_windows,
)

SPLITS = ('train', 'val', 'test')
LABEL_TAG = '_instance_color_RGB'
# label value i <- RGB colour i
COLORS = ((0, 0, 0), (0, 0, 63), (0, 63, 63), (0, 63, 0), (0, 63, 127),
          (0, 63, 191), (0, 63, 255), (0, 127, 63), (0, 127, 127),
          (0, 0, 127), (0, 0, 191), (0, 0, 255), (0, 191, 127),
          (0, 127, 191), (0, 127, 255), (0, 100, 155))


def crop_patches(array: np.ndarray, dst_prefix: str, suffix: str,
                 patch_h: int, patch_w: int, overlap: int,
                 pad_value: int) -> int:
    """Save the patches of one image or label map as
    ``{dst_prefix}_{y0}_{y1}_{x0}_{x1}{suffix}``; returns their number."""
    array = pad_to(array, patch_h, patch_w, pad_value)
    boxes = sliding_windows(*array.shape[:2], patch_h, patch_w, overlap)
    for x0, y0, x1, y1 in boxes:
        save_png(array[y0:y1, x0:x1],
                 f'{dst_prefix}_{y0}_{y1}_{x0}_{x1}{suffix}')
    return len(boxes)


def _unpack(folder: str, dst: str, what: str) -> list:
    """Unpack every zip of ``folder``; returns the PNGs of ``images/``."""
    archives = sorted(glob.glob(osp.join(folder, '*.zip')))
    if not archives:
        raise FileNotFoundError(f'no .zip in {folder}: put the iSAID {what} '
                                'archives there as downloaded')
    for archive in archives:
        extract(archive, dst)
    return sorted(glob.glob(osp.join(dst, 'images', '*.png')))


def convert_isaid(dataset_path: str,
                  out_dir: str = osp.join('data', 'iSAID'),
                  patch_h: int = 896, patch_w: int = 896,
                  overlap: int = 384,
                  tmp_dir: Optional[str] = None) -> Dict[str, int]:
    """Convert the three splits.

    Args:
        dataset_path: Folder holding ``train/``, ``val/`` and ``test/``.
        out_dir: Output root.
        patch_h, patch_w: Patch size.
        overlap: Pixels shared by neighbouring patches.
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{split: number of images (patches for train and val)}``.
    """
    for split in SPLITS:
        if not osp.isdir(osp.join(dataset_path, split)):
            raise FileNotFoundError(
                f'{osp.join(dataset_path, split)} not found: pass the iSAID '
                'folder holding train/, val/ and test/')
    make_folders(out_dir, [f'{kind}/{split}' for kind in ('img_dir',
                                                          'ann_dir')
                           for split in SPLITS])
    written = {}
    with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
        for split in SPLITS:
            images = _unpack(osp.join(dataset_path, split, 'images'),
                             osp.join(root, split, 'img'), f'{split} image')
            img_dir = osp.join(out_dir, 'img_dir', split)
            if split == 'test':
                for path in images:
                    shutil.move(path, osp.join(img_dir, osp.basename(path)))
                written[split] = len(images)
                continue
            written[split] = sum(crop_patches(
                read_rgb(path),
                osp.join(img_dir, osp.basename(path).split('.')[0]), '.png',
                patch_h, patch_w, overlap, 0) for path in images)
            labels = _unpack(osp.join(dataset_path, split, 'Semantic_masks'),
                             osp.join(root, split, 'lab'), f'{split} mask')
            for path in labels:
                name = osp.basename(path).split('.')[0].split('_')[0]
                crop_patches(
                    colors_to_labels(read_rgb(path), COLORS),
                    osp.join(out_dir, 'ann_dir', split, name),
                    LABEL_TAG + '.png', patch_h, patch_w, overlap, 255)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert iSAID to the mmsegmentation layout')
    parser.add_argument('dataset_path',
                        help='iSAID folder holding train/, val/ and test/')
    add_output_arguments(parser, 'iSAID')
    parser.add_argument('--patch_width', '--patch-width', dest='patch_width',
                        type=int, default=896, help='patch width')
    parser.add_argument('--patch_height', '--patch-height',
                        dest='patch_height', type=int, default=896,
                        help='patch height')
    parser.add_argument('--overlap_area', '--overlap-area',
                        dest='overlap_area', type=int, default=384,
                        help='pixels shared by neighbouring patches')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_isaid, args.dataset_path, args.out_dir,
                            args.patch_height, args.patch_width,
                            args.overlap_area, args.tmp_dir)
    print(f'train: {written["train"]} patches, val: {written["val"]} '
          f'patches, test: {written["test"]} images -> {args.out_dir}')


if __name__ == '__main__':
    main()
