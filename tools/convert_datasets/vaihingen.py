"""Convert the ISPRS Vaihingen archives to the mmseg layout.

Reads ``ISPRS_semantic_labeling_Vaihingen.zip``
(``top/top_mosaic_09cm_area{n}.tif``) and
``ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip``
(``top_mosaic_09cm_area{n}_noBoundary.tif``, RGB class colours; its
``area9`` label, which has no image, is skipped) from DATASET_PATH, cuts
every tile into ``clip_size`` squares as 0.28 did (see
``mmseg.utils.dataset_files.isprs_tiles``) and writes::

    OUT_DIR/img_dir/{train,val}/area{n}_{x0}_{y0}_{x1}_{y1}.png
    OUT_DIR/ann_dir/{train,val}/area{n}_{x0}_{y0}_{x1}_{y1}.png

Labels as for Potsdam: 0 boundary (ignored with reduce_zero_label),
1 impervious surface, 2 building, 3 low vegetation, 4 tree, 5 car,
6 clutter. The 16 areas of 0.28's training list go to ``train``, the
others to ``val``.

Usage:
    python tools/convert_datasets/vaihingen.py downloads/vaihingen \
        -o data/vaihingen
"""
import argparse
import glob
import os.path as osp
import re
import tempfile
from typing import Dict, List, Optional

from mmseg.utils.dataset_files import (
    ISPRS_FOLDERS,
    add_isprs_tile_arguments,
    add_output_arguments,
    clip_isprs_tile,
    extract,
    make_folders,
    require_file,
    run_converter,
)

IMAGES = 'ISPRS_semantic_labeling_Vaihingen.zip'
LABELS = 'ISPRS_semantic_labeling_Vaihingen_ground_truth_eroded_COMPLETE.zip'
TRAIN_AREAS = ('area1', 'area11', 'area13', 'area15', 'area17', 'area21',
               'area23', 'area26', 'area28', 'area3', 'area30', 'area32',
               'area34', 'area37', 'area5', 'area7')
SKIPPED_AREAS = ('area9', )
TILE_NAME = re.compile(r'top_mosaic_09cm_(area\d+)(_noBoundary)?\.tif$')


def clip_tile(path: str, out_dir: str, clip_size: int,
              stride_size: int) -> List[str]:
    """Cut one image or label tile; returns the written file names."""
    area, label = TILE_NAME.search(osp.basename(path)).groups()
    split = 'train' if area in TRAIN_AREAS else 'val'
    return clip_isprs_tile(path, bool(label), out_dir, split, area,
                           clip_size, stride_size)


def _tiles(root: str, pattern: str, archive: str, label: bool) -> List[str]:
    paths = []
    for path in sorted(glob.glob(osp.join(root, pattern))):
        match = TILE_NAME.search(osp.basename(path))
        if match and bool(match.group(2)) == label and \
                match.group(1) not in SKIPPED_AREAS:
            paths.append(path)
    if not paths:
        raise FileNotFoundError(
            f'{archive} holds no {pattern} tile of the expected name: pass '
            'the archive as downloaded')
    return paths


def convert_vaihingen(dataset_path: str,
                      out_dir: str = osp.join('data', 'vaihingen'),
                      clip_size: int = 512, stride_size: int = 256,
                      tmp_dir: Optional[str] = None) -> Dict[str, int]:
    """Convert both archives.

    Args:
        dataset_path: Folder holding the two archives.
        out_dir: Output root.
        clip_size: Side of the square patches.
        stride_size: Sets the number of patches (see ``isprs_tiles``).
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{'images' | 'labels': number of patches written}``.
    """
    for archive in (IMAGES, LABELS):
        require_file(osp.join(dataset_path, archive),
                     f'Vaihingen {archive} (in the folder given)')
    make_folders(out_dir, ISPRS_FOLDERS)
    written = {}
    for archive, kind, pattern in ((IMAGES, 'images', 'top/*.tif'),
                                   (LABELS, 'labels', '*.tif')):
        with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
            extract(osp.join(dataset_path, archive), root)
            tiles = _tiles(root, pattern, archive, kind == 'labels')
            written[kind] = sum(len(clip_tile(p, out_dir, clip_size,
                                              stride_size)) for p in tiles)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert ISPRS Vaihingen to the mmsegmentation layout')
    parser.add_argument('dataset_path', help=f'folder of {IMAGES} and '
                        f'{LABELS}')
    add_output_arguments(parser, 'vaihingen')
    add_isprs_tile_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_vaihingen, args.dataset_path, args.out_dir,
                            args.clip_size, args.stride_size, args.tmp_dir)
    print(f'{written["images"]} image and {written["labels"]} label patches '
          f'-> {args.out_dir}')


if __name__ == '__main__':
    main()
