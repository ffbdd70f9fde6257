"""Convert COCO-Stuff 10k ``.mat`` annotations to train-id label maps.

Input (``cocostuff-10k-v1.1.zip`` unzipped)::

    COCO_PATH/images/{name}.jpg
    COCO_PATH/annotations/{name}.mat          # field 'S': 0 = unlabeled,
    COCO_PATH/imageLists/{train,test}.txt     # 1..182 = COCO class ids

Output (the layout COCOStuffDataset reads, with ``reduce_zero_label``)::

    OUT/images/{train2014,test2014}/{name}.jpg
    OUT/annotations/{train2014,test2014}/{name}_labelTrainIds.png
    OUT/imagesLists/{train,test,all}.txt

Label maps keep 0 = unlabeled and number the 171 used classes 1..171.
Reading ``.mat`` files needs scipy.

Usage:
    python tools/convert_datasets/coco_stuff10k.py data/coco_stuff10k \
        --nproc 8
"""
import argparse
import os.path as osp
import shutil
import sys
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

MAT_FILES = 'COCO-Stuff 10k .mat annotations'

# imageLists file -> output folder name.
SPLITS = {'train': 'train2014', 'test': 'test2014'}
# 1-based COCO ids that no class uses (COCO skips them).
UNUSED_IDS = (12, 26, 29, 30, 45, 66, 68, 69, 71, 83, 91)
CLASS_IDS = tuple(i for i in range(1, 183) if i not in UNUSED_IDS)


def train_id_table() -> np.ndarray:
    """Lookup table: ``S`` value -> label (0 = unlabeled, classes 1..171)."""
    table = np.zeros(256, dtype=np.uint8)
    table[list(CLASS_IDS)] = np.arange(1, len(CLASS_IDS) + 1)
    return table


TRAIN_IDS = train_id_table()


def read_mat_labels(path: str) -> np.ndarray:
    """The ``S`` label map of one annotation ``.mat`` file."""
    return load_mat_array(path, 'S', MAT_FILES)


def convert_item(task: Tuple[str, str, str, str]) -> str:
    """Copy one image and write its label map.

    Args:
        task: ``(image in, annotation .mat, image out, label map out)``.

    Returns:
        The written label map path.
    """
    image_in, mat_in, image_out, label_out = task
    shutil.copyfile(image_in, image_out)
    labels = read_mat_labels(mat_in).astype(np.int64).clip(0, 255)
    Image.fromarray(TRAIN_IDS[labels]).save(label_out)
    return label_out


def read_split_lists(coco_path: str) -> Dict[str, List[str]]:
    """``{'train': names, 'test': names}`` from ``imageLists/``."""
    lists = {}
    for split in SPLITS:
        path = osp.join(coco_path, 'imageLists', f'{split}.txt')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{path} not found: pass the unzipped cocostuff-10k-v1.1 '
                'folder (with images/, annotations/ and imageLists/)')
        with open(path) as f:
            lists[split] = [line.strip() for line in f if line.strip()]
    return lists


def convert_coco_stuff10k(coco_path: str, out_dir: Optional[str] = None,
                          nproc: int = 1) -> Dict[str, List[str]]:
    """Convert the train and test lists of COCO-Stuff 10k.

    Returns:
        ``{'train' | 'test': [name, ...]}`` as written to ``imagesLists``.
    """
    out_dir = out_dir or coco_path
    lists = read_split_lists(coco_path)
    tasks = []
    for split, folder in SPLITS.items():
        mkdir_or_exist(osp.join(out_dir, 'images', folder))
        mkdir_or_exist(osp.join(out_dir, 'annotations', folder))
        for name in lists[split]:
            tasks.append((
                osp.join(coco_path, 'images', name + '.jpg'),
                osp.join(coco_path, 'annotations', name + '.mat'),
                osp.join(out_dir, 'images', folder, name + '.jpg'),
                osp.join(out_dir, 'annotations', folder,
                         name + '_labelTrainIds.png')))
    missing = [path for task in tasks for path in task[:2]
               if not osp.isfile(path)]
    if missing:
        raise FileNotFoundError(
            f'{missing[0]} not found ({len(missing)} listed files missing): '
            'images/ and annotations/ must hold every name in imageLists/')
    run_tasks(convert_item, tasks, nproc)
    lists['all'] = lists['train'] + lists['test']
    mkdir_or_exist(osp.join(out_dir, 'imagesLists'))
    for split, names in lists.items():
        with open(osp.join(out_dir, 'imagesLists', f'{split}.txt'), 'w') as f:
            f.writelines(name + '\n' for name in names)
    return {split: lists[split] for split in SPLITS}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert COCO-Stuff 10k annotations to train ids')
    parser.add_argument('coco_path', help='COCO-Stuff 10k root folder')
    parser.add_argument('-o', '--out-dir', '--out_dir', dest='out_dir',
                        help='output root (default: coco_path)')
    add_nproc_argument(parser, default=16)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        require_scipy(MAT_FILES)
        lists = convert_coco_stuff10k(args.coco_path, args.out_dir,
                                      args.nproc)
    except (FileNotFoundError, ImportError) as exc:
        sys.exit(f'error: {exc}')
    print(', '.join(f'{split}: {len(names)} images'
                    for split, names in lists.items()))


if __name__ == '__main__':
    main()
