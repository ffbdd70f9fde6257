"""Convert the SBD ("VOC aug") labels for PASCAL VOC 2012 training.

Reads AUG_PATH/dataset/cls/{name}.mat (SBD's ``GTcls.Segmentation``
class maps, 0 background, 1..20 the VOC classes) and the SBD and VOC 2012
split lists, and writes::

    DEVKIT/VOC2012/SegmentationClassAug/{name}.png   (or -o OUT_DIR)
    DEVKIT/VOC2012/ImageSets/Segmentation/trainaug.txt
        VOC train + SBD train and val, minus VOC val (10582 names)
    DEVKIT/VOC2012/ImageSets/Segmentation/aug.txt
        the same minus VOC train (the images added to VOC train)

The lists are sorted. Reading ``.mat`` files needs scipy.

Usage:
    python tools/convert_datasets/voc_aug.py data/VOCdevkit \
        data/VOCdevkit/VOCaug --nproc 8
"""
import argparse
import os.path as osp
import sys
import warnings
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.utils import mkdir_or_exist, scandir

from mmseg.utils.converters import (
    add_nproc_argument,
    load_mat_array,
    require_scipy,
    run_tasks,
)
from mmseg.utils.dataset_files import save_png

AUG_LEN = 10582
MAT_FILES = 'SBD .mat labels'


def read_sbd_labels(path: str) -> np.ndarray:
    """The class map (``GTcls.Segmentation``) of one SBD ``.mat`` file."""
    return load_mat_array(path, 'GTcls', MAT_FILES)[0]['Segmentation'][0]


def convert_mat(task: Tuple[str, str]) -> str:
    """Write the PNG of one ``(mat, png)`` pair; returns the png."""
    mat_path, png_path = task
    save_png(read_sbd_labels(mat_path).astype(np.uint8), png_path)
    return png_path


def _read_names(path: str, what: str) -> List[str]:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: pass the {what}')
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def convert_voc_aug(devkit_path: str, aug_path: str,
                    out_dir: Optional[str] = None,
                    nproc: int = 1) -> Dict[str, List[str]]:
    """Convert the SBD labels and write ``trainaug.txt`` and ``aug.txt``.

    Args:
        devkit_path: The ``VOCdevkit`` folder (holding ``VOC2012/``).
        aug_path: SBD's ``benchmark_RELEASE`` folder (holding
            ``dataset/``).
        out_dir: Label folder; ``VOC2012/SegmentationClassAug``.
        nproc: Worker processes.

    Returns:
        ``{'trainaug' | 'aug': [name, ...]}`` as written.
    """
    sbd = osp.join(aug_path, 'dataset')
    sets = osp.join(devkit_path, 'VOC2012', 'ImageSets', 'Segmentation')
    sbd_names = (_read_names(osp.join(sbd, 'train.txt'), 'SBD folder') +
                 _read_names(osp.join(sbd, 'val.txt'), 'SBD folder'))
    voc_train = _read_names(osp.join(sets, 'train.txt'), 'VOCdevkit folder')
    voc_val = _read_names(osp.join(sets, 'val.txt'), 'VOCdevkit folder')
    mats = sorted(scandir(osp.join(sbd, 'cls'), suffix='.mat'))
    if not mats:
        raise FileNotFoundError(
            f'no .mat files in {osp.join(sbd, "cls")}: pass the '
            'benchmark_RELEASE folder unpacked from SBD benchmark.tgz')
    out_dir = out_dir or osp.join(devkit_path, 'VOC2012',
                                  'SegmentationClassAug')
    mkdir_or_exist(out_dir)
    run_tasks(convert_mat, [(osp.join(sbd, 'cls', name),
                             osp.join(out_dir, name[:-4] + '.png'))
                            for name in mats], nproc)

    lists = dict(
        trainaug=sorted(set(voc_train + sbd_names) - set(voc_val)),
        aug=sorted(set(sbd_names) - set(voc_train + voc_val)))
    if len(lists['trainaug']) != AUG_LEN:
        warnings.warn(f'trainaug.txt lists {len(lists["trainaug"])} images, '
                      f'not the {AUG_LEN} of the full SBD and VOC 2012')
    for name, names in lists.items():
        with open(osp.join(sets, f'{name}.txt'), 'w') as f:
            f.writelines(n + '\n' for n in names)
    return lists


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert the SBD labels for PASCAL VOC 2012 aug')
    parser.add_argument('devkit_path', help='VOCdevkit folder')
    parser.add_argument('aug_path', help='SBD benchmark_RELEASE folder')
    parser.add_argument('-o', '--out_dir', '--out-dir', dest='out_dir',
                        help='label folder (default: '
                        'VOC2012/SegmentationClassAug)')
    add_nproc_argument(parser, default=1)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        require_scipy(MAT_FILES)
        lists = convert_voc_aug(args.devkit_path, args.aug_path,
                                args.out_dir, args.nproc)
    except (FileNotFoundError, ImportError, KeyError) as exc:
        sys.exit(f'error: {exc}')
    print(', '.join(f'{name}.txt: {len(names)} images'
                    for name, names in lists.items()))


if __name__ == '__main__':
    main()
