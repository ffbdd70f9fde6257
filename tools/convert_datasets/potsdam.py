"""Convert the ISPRS Potsdam archives to the mmseg layout.

Reads ``2_Ortho_RGB.zip`` (``2_Ortho_RGB/top_potsdam_{i}_{j}_RGB.tif``)
and ``5_Labels_all_noBoundary.zip``
(``top_potsdam_{i}_{j}_label_noBoundary.tif``, RGB class colours) from
DATASET_PATH, cuts every tile into ``clip_size`` squares as 0.28 did
(see ``mmseg.utils.dataset_files.isprs_tiles``) and writes::

    OUT_DIR/img_dir/{train,val}/{i}_{j}_{x0}_{y0}_{x1}_{y1}.png
    OUT_DIR/ann_dir/{train,val}/{i}_{j}_{x0}_{y0}_{x1}_{y1}.png

Labels: 0 boundary / other colours (ignored with reduce_zero_label),
1 impervious surface (white), 2 building (blue), 3 low vegetation (cyan),
4 tree (green), 5 car (yellow), 6 clutter (red). The 24 tiles of 0.28's
training list go to ``train``, the others to ``val``.

Usage:
    python tools/convert_datasets/potsdam.py downloads/potsdam \
        -o data/potsdam
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

ARCHIVES = ('2_Ortho_RGB.zip', '5_Labels_all_noBoundary.zip')
TRAIN_TILES = ('2_10', '2_11', '2_12', '3_10', '3_11', '3_12', '4_10',
               '4_11', '4_12', '5_10', '5_11', '5_12', '6_10', '6_11',
               '6_12', '6_7', '6_8', '6_9', '7_10', '7_11', '7_12', '7_7',
               '7_8', '7_9')
TILE_NAME = re.compile(r'top_potsdam_(\d+)_(\d+)_(RGB|label)\w*\.tif$')


def clip_tile(path: str, out_dir: str, clip_size: int,
              stride_size: int) -> List[str]:
    """Cut one image or label tile; returns the written file names."""
    i, j, kind = TILE_NAME.search(osp.basename(path)).groups()
    tile = f'{i}_{j}'
    split = 'train' if tile in TRAIN_TILES else 'val'
    return clip_isprs_tile(path, kind == 'label', out_dir, split, tile,
                           clip_size, stride_size)


def convert_potsdam(dataset_path: str,
                    out_dir: str = osp.join('data', 'potsdam'),
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
    for archive in ARCHIVES:
        require_file(osp.join(dataset_path, archive),
                     f'Potsdam {archive} (in the folder given)')
    make_folders(out_dir, ISPRS_FOLDERS)
    written = {}
    for archive, kind in zip(ARCHIVES, ('images', 'labels')):
        with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
            extract(osp.join(dataset_path, archive), root)
            # the images sit in a folder of the archive, the labels not
            tiles = [p for p in sorted(glob.glob(osp.join(root, '**', '*.tif'),
                                                 recursive=True))
                     if TILE_NAME.search(osp.basename(p))]
            if not tiles:
                raise FileNotFoundError(
                    f'{archive} holds no top_potsdam_*.tif tile: pass the '
                    'archive as downloaded')
            written[kind] = sum(len(clip_tile(p, out_dir, clip_size,
                                              stride_size)) for p in tiles)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert ISPRS Potsdam to the mmsegmentation layout')
    parser.add_argument('dataset_path', help='folder of 2_Ortho_RGB.zip and '
                        '5_Labels_all_noBoundary.zip')
    add_output_arguments(parser, 'potsdam')
    add_isprs_tile_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_potsdam, args.dataset_path, args.out_dir,
                            args.clip_size, args.stride_size, args.tmp_dir)
    print(f'{written["images"]} image and {written["labels"]} label patches '
          f'-> {args.out_dir}')


if __name__ == '__main__':
    main()
