"""Convert PASCAL Context full labels to the 59-class label maps.

MMSegmentation 0.28 read ``trainval_merged.json`` through the ``detail``
API, which cannot be installed here. This converter reads the official
full annotations instead (``trainval.tar.gz``: ``trainval/{name}.mat``,
field ``LabelMap`` with the 459 class ids of ``labels.txt``) and keeps
the same 59 classes: they become 1..59 in alphabetical order, everything
else 0 (background, ignored with ``reduce_zero_label``). Splits follow
``VOC2010/ImageSets/Main/{train,val}.txt``, as in the json.

Output::

    DEVKIT/VOC2010/SegmentationClassContext/{name}.png   (or -o OUT_DIR)
    DEVKIT/VOC2010/ImageSets/SegmentationContext/{train,val}.txt

Reading ``.mat`` files needs scipy.

Usage:
    python tools/convert_datasets/pascal_context.py data/VOCdevkit \
        data/VOCdevkit/trainval --nproc 8
"""
import argparse
import os.path as osp
import sys
from glob import glob
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.utils import mkdir_or_exist
from PIL import Image

from mmseg.utils.converters import (
    add_nproc_argument,
    load_mat_array,
    require_scipy,
    run_tasks,
)

MAT_FILES = 'PASCAL Context .mat labels'
# Ids (in labels.txt of the 459 classes) of the 59 classes; ascending ids
# are also the alphabetical class order of PascalContextDataset59.
CONTEXT59_IDS = (
    2, 9, 18, 19, 22, 23, 25, 31, 33, 34, 44, 45, 46, 59, 65, 68, 72, 80, 85,
    98, 104, 105, 113, 115, 144, 158, 159, 162, 187, 189, 207, 220, 232, 258,
    259, 260, 284, 295, 296, 308, 324, 326, 347, 349, 354, 355, 360, 366, 368,
    397, 415, 416, 420, 424, 427, 440, 445, 454, 458)
SPLITS = ('train', 'val')


def context59_table() -> np.ndarray:
    """Lookup table: full class id (uint16) -> 59-class label, 0 = other."""
    table = np.zeros(1 << 16, dtype=np.uint8)
    table[list(CONTEXT59_IDS)] = np.arange(1, len(CONTEXT59_IDS) + 1)
    return table


CONTEXT59 = context59_table()


def read_mat_labels(path: str) -> np.ndarray:
    """The ``LabelMap`` of one full-annotation ``.mat`` file."""
    return load_mat_array(path, 'LabelMap', MAT_FILES)


def convert_label_file(task: Tuple[str, str]) -> str:
    """Write the 59-class PNG of one ``(mat, png)`` pair; returns the png."""
    mat_path, png_path = task
    full = read_mat_labels(mat_path).astype(np.int64).clip(0, (1 << 16) - 1)
    Image.fromarray(CONTEXT59[full]).save(png_path)
    return png_path


def _read_names(path: str) -> List[str]:
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: pass the VOCdevkit folder that holds '
            'VOC2010/ImageSets/Main/{train,val}.txt')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def convert_pascal_context(devkit_path: str, labels_dir: str,
                           out_dir: Optional[str] = None,
                           nproc: int = 1) -> Dict[str, List[str]]:
    """Convert every ``.mat`` of the VOC2010 train/val images.

    Args:
        devkit_path: the ``VOCdevkit`` folder (holding ``VOC2010/``).
        labels_dir: folder of the full-annotation ``{name}.mat`` files.
        out_dir: label map folder; ``VOC2010/SegmentationClassContext``.
        nproc: worker processes.

    Returns:
        ``{'train' | 'val': [name, ...]}`` as written to the split lists.
    """
    if labels_dir.endswith('.json'):
        raise FileNotFoundError(
            f'{labels_dir}: reading trainval_merged.json needs the detail '
            'API, which is not available; pass the trainval/ folder of '
            '.mat files from trainval.tar.gz instead')
    voc = osp.join(devkit_path, 'VOC2010')
    mats = {osp.basename(p)[:-4]: p
            for p in glob(osp.join(labels_dir, '*.mat'))}
    if not mats:
        raise FileNotFoundError(
            f'no .mat files in {labels_dir}: pass the trainval/ folder '
            'unpacked from the PASCAL Context trainval.tar.gz')
    out_dir = out_dir or osp.join(voc, 'SegmentationClassContext')
    mkdir_or_exist(out_dir)
    splits = {
        split: sorted(name for name in _read_names(
            osp.join(voc, 'ImageSets', 'Main', f'{split}.txt'))
            if name in mats)
        for split in SPLITS}
    tasks = [(mats[name], osp.join(out_dir, name + '.png'))
             for split in SPLITS for name in splits[split]]
    run_tasks(convert_label_file, tasks, nproc)
    sets_dir = osp.join(voc, 'ImageSets', 'SegmentationContext')
    mkdir_or_exist(sets_dir)
    for split, names in splits.items():
        with open(osp.join(sets_dir, f'{split}.txt'), 'w') as f:
            f.writelines(name + '\n' for name in names)
    return splits


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert PASCAL Context labels to the 59 classes')
    parser.add_argument('devkit_path', help='VOCdevkit folder')
    parser.add_argument('labels_dir',
                        help='trainval/ folder of full-annotation .mat files')
    parser.add_argument('-o', '--out-dir', '--out_dir', dest='out_dir',
                        help='label map folder (default: '
                        'VOC2010/SegmentationClassContext)')
    add_nproc_argument(parser, default=1)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        require_scipy(MAT_FILES)
        splits = convert_pascal_context(args.devkit_path, args.labels_dir,
                                        args.out_dir, args.nproc)
    except (FileNotFoundError, ImportError) as exc:
        sys.exit(f'error: {exc}')
    print(', '.join(f'{split}: {len(names)} images'
                    for split, names in splits.items()))


if __name__ == '__main__':
    main()
