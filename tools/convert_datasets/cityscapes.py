"""Convert Cityscapes polygon annotations to train-id label maps.

Writes ``*_labelTrainIds.png`` next to every ``*_polygons.json`` under
``CITYSCAPES_ROOT/gtFine`` (rasterised by cityscapesscripts) and
``{train,val,test}.txt`` listing ``city/stem`` for each split present.

Usage:
    python tools/convert_datasets/cityscapes.py data/cityscapes --nproc 8
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, Optional

from cityscapesscripts.preparation.json2labelImg import json2labelImg
from mmengine.utils import mkdir_or_exist, scandir

from mmseg.utils.converters import add_nproc_argument, run_tasks

POLYGONS = '_polygons.json'
SPLITS = ('train', 'val', 'test')


def polygons_to_train_ids(json_path: str) -> str:
    """Rasterise one polygon file to its train-id PNG.

    Returns:
        The path of the written ``*_labelTrainIds.png``.
    """
    out_path = json_path[:-len(POLYGONS)] + '_labelTrainIds.png'
    json2labelImg(json_path, out_path, 'trainIds')
    return out_path


def _image_stem(polygon_path: str) -> str:
    """``city/city_000000_000019`` from ``..._gtFine_polygons.json``."""
    return polygon_path[:-len(POLYGONS)].rsplit('_', 1)[0]


def _find_polygons(folder: str) -> List[str]:
    return sorted(scandir(folder, POLYGONS, recursive=True))


def convert_cityscapes(root: str, gt_dir: str = 'gtFine',
                       out_dir: Optional[str] = None,
                       nproc: int = 1) -> Dict[str, List[str]]:
    """Convert all polygon files and write the split lists.

    Args:
        root: Cityscapes root holding ``gt_dir`` (and ``leftImg8bit``).
        gt_dir: annotation folder name inside ``root``.
        out_dir: where the split lists go; ``root`` by default.
        nproc: worker processes.

    Returns:
        ``{split: ['city/stem', ...]}`` as written to ``{split}.txt``.
    """
    gt_root = osp.join(root, gt_dir)
    if not osp.isdir(gt_root):
        raise FileNotFoundError(
            f'{gt_root} not found: pass the Cityscapes root that contains '
            f'{gt_dir}/ (or name the annotation folder with --gt-dir)')
    polygons = [osp.join(gt_root, p) for p in _find_polygons(gt_root)]
    if not polygons:
        raise FileNotFoundError(
            f'no *{POLYGONS} files under {gt_root}: unzip '
            'gtFine_trainvaltest.zip into the Cityscapes root')
    run_tasks(polygons_to_train_ids, polygons, nproc)

    out_dir = out_dir or root
    mkdir_or_exist(out_dir)
    splits = {}
    for split in SPLITS:
        split_root = osp.join(gt_root, split)
        if not osp.isdir(split_root):
            continue
        splits[split] = [_image_stem(p) for p in _find_polygons(split_root)]
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(stem + '\n' for stem in splits[split])
    return splits


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert Cityscapes polygons to labelTrainIds PNGs')
    parser.add_argument('cityscapes_path', help='Cityscapes root folder')
    parser.add_argument('--gt-dir', default='gtFine',
                        help='annotation folder inside the root')
    parser.add_argument('-o', '--out-dir',
                        help='folder for the split lists (default: root)')
    add_nproc_argument(parser, default=1)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        splits = convert_cityscapes(args.cityscapes_path, args.gt_dir,
                                    args.out_dir, args.nproc)
    except FileNotFoundError as exc:
        sys.exit(f'error: {exc}')
    out_dir = args.out_dir or args.cityscapes_path
    for split, stems in splits.items():
        print(f'{split}: {len(stems)} images -> '
              f'{osp.join(out_dir, split + ".txt")}')


if __name__ == '__main__':
    main()
