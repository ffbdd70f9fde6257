"""Convert the LoveDA archives to the mmseg layout.

Reads ``Train.zip``, ``Val.zip`` and ``Test.zip`` from DATASET_PATH
(``{Train,Val,Test}/{Rural,Urban}/images_png/*.png`` and, for Train and
Val, ``masks_png/*.png``) and writes::

    OUT_DIR/img_dir/{train,val,test}/{n}.png
    OUT_DIR/ann_dir/{train,val}/{n}.png

Usage:
    python tools/convert_datasets/loveda.py downloads/loveDA -o data/loveDA
"""
import argparse
import os.path as osp
import shutil
import tempfile
from typing import Dict, List, Optional

from mmseg.utils.dataset_files import (
    add_output_arguments,
    extract,
    list_files,
    make_folders,
    require_file,
    run_converter,
    split_summary,
)

PARTS = ('Train', 'Val', 'Test')
LOCATIONS = ('Rural', 'Urban')


def convert_loveda(dataset_path: str,
                   out_dir: str = osp.join('data', 'loveDA'),
                   tmp_dir: Optional[str] = None) -> Dict[str, List[str]]:
    """Unpack the three archives into the layout.

    Args:
        dataset_path: Folder holding ``Train.zip``, ``Val.zip``,
            ``Test.zip``.
        out_dir: Output root.
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{'train' | 'val' | 'test': [image name, ...]}``.
    """
    for part in PARTS:
        require_file(osp.join(dataset_path, f'{part}.zip'),
                     f'LoveDA {part}.zip (in the folder given)')
    make_folders(out_dir, [f'img_dir/{p.lower()}' for p in PARTS] +
                 [f'ann_dir/{p.lower()}' for p in PARTS[:2]])
    written = {}
    with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
        for part in PARTS:
            split = part.lower()
            extract(osp.join(dataset_path, f'{part}.zip'), root)
            kinds = [('images_png', 'img_dir')]
            if part != 'Test':
                kinds.append(('masks_png', 'ann_dir'))
            written[split] = []
            for location in LOCATIONS:
                for kind, folder in kinds:
                    src = osp.join(root, part, location, kind)
                    names = list_files(src)
                    for name in names:
                        shutil.move(osp.join(src, name),
                                    osp.join(out_dir, folder, split, name))
                    if kind == 'images_png':
                        written[split] += names
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert LoveDA to the mmsegmentation layout')
    parser.add_argument('dataset_path',
                        help='folder of Train.zip, Val.zip and Test.zip')
    add_output_arguments(parser, 'loveDA')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_loveda, args.dataset_path, args.out_dir,
                            args.tmp_dir)
    print(split_summary(written, args.out_dir))


if __name__ == '__main__':
    main()
