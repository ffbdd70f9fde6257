"""Convert COCO-Stuff 164k ``stuffthingmaps`` to train-id label maps.

Input (the official downloads, unzipped)::

    COCO_PATH/images/{train2017,val2017}/*.jpg
    COCO_PATH/annotations/{train2017,val2017}/*.png   # stuffthingmaps

The maps hold 0-based COCO class ids (0..181, 255 = unlabeled). Each is
written as ``OUT/annotations/{split}/{stem}_labelTrainIds.png`` with the
171 used classes renumbered 0..170 (255 = ignore).

Usage:
    python tools/convert_datasets/coco_stuff164k.py data/coco_stuff164k \
        --nproc 8
"""
import argparse
import os.path as osp
import shutil
import sys
from glob import glob
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.utils import mkdir_or_exist
from PIL import Image

from mmseg.utils.converters import add_nproc_argument, run_tasks

SPLITS = ('train2017', 'val2017')
# 0-based COCO ids that no class uses (COCO skips them).
UNUSED_IDS = (11, 25, 28, 29, 44, 65, 67, 68, 70, 82, 90)
CLASS_IDS = tuple(i for i in range(182) if i not in UNUSED_IDS)


def train_id_table() -> np.ndarray:
    """Lookup table: stuffthingmaps value -> train id (255 = ignore)."""
    table = np.full(256, 255, dtype=np.uint8)
    table[list(CLASS_IDS)] = np.arange(len(CLASS_IDS))
    return table


TRAIN_IDS = train_id_table()


def convert_map(task: Tuple[str, str]) -> str:
    """Convert one ``(stuffthingmap, output)`` pair; returns the output."""
    src, dst = task
    labels = np.asarray(Image.open(src))
    Image.fromarray(TRAIN_IDS[labels]).save(dst)
    return dst


def _conversion_tasks(coco_path: str,
                      out_dir: str) -> Dict[str, List[Tuple[str, str]]]:
    """``{split: [(stuffthingmap, output), ...]}`` for splits present."""
    tasks = {}
    for split in SPLITS:
        split_dir = osp.join(coco_path, 'annotations', split)
        if not osp.isdir(split_dir):
            continue
        out_split = osp.join(out_dir, 'annotations', split)
        mkdir_or_exist(out_split)
        tasks[split] = [
            (src, osp.join(out_split, osp.basename(src)[:-4] +
                           '_labelTrainIds.png'))
            for src in sorted(glob(osp.join(split_dir, '*.png')))
            if not src.endswith('_labelTrainIds.png')]
    return tasks


def convert_coco_stuff164k(coco_path: str, out_dir: Optional[str] = None,
                           nproc: int = 1) -> Dict[str, int]:
    """Convert every stuffthingmap; copy ``images/`` to a new ``out_dir``.

    Returns:
        ``{split: number of converted maps}``.
    """
    out_dir = out_dir or coco_path
    per_split = _conversion_tasks(coco_path, out_dir)
    tasks = [task for group in per_split.values() for task in group]
    if not tasks:
        raise FileNotFoundError(
            f'no stuffthingmaps PNGs in {osp.join(coco_path, "annotations")}'
            '/{train2017,val2017}: unzip stuffthingmaps_trainval2017.zip '
            'into that annotations folder')
    run_tasks(convert_map, tasks, nproc)
    images = osp.join(coco_path, 'images')
    if osp.abspath(out_dir) != osp.abspath(coco_path) and osp.isdir(images):
        shutil.copytree(images, osp.join(out_dir, 'images'),
                        dirs_exist_ok=True)
    return {split: len(group) for split, group in per_split.items()}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert COCO-Stuff 164k annotations to train ids')
    parser.add_argument('coco_path', help='COCO-Stuff 164k root folder')
    parser.add_argument('-o', '--out-dir', '--out_dir', dest='out_dir',
                        help='output root (default: coco_path)')
    add_nproc_argument(parser, default=16)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        counts = convert_coco_stuff164k(args.coco_path, args.out_dir,
                                        args.nproc)
    except FileNotFoundError as exc:
        sys.exit(f'error: {exc}')
    print(', '.join(f'{split}: {n} maps' for split, n in counts.items()))


if __name__ == '__main__':
    main()
