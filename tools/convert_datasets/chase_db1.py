"""Convert the CHASE_DB1 retinal vessel archive to the mmseg layout.

Reads ``CHASEDB1.zip``: 28 images ``Image_01L.jpg`` ... with the two
observers' labels ``Image_01L_1stHO.png`` and ``Image_01L_2ndHO.png``
(84 files). The first 60 files (sorted: the first 20 images) go to
training, the rest to validation::

    OUT_DIR/images/{training,validation}/Image_01L.png
    OUT_DIR/annotations/{training,validation}/Image_01L_{1st,2nd}HO.png

Usage:
    python tools/convert_datasets/chase_db1.py CHASEDB1.zip \
        -o data/CHASE_DB1
"""
import argparse
import os.path as osp
import tempfile
from typing import Dict, List, Optional

from mmseg.utils.dataset_files import (
    RETINAL_FOLDERS,
    add_output_arguments,
    extract,
    image_to_png,
    list_files,
    make_folders,
    require_file,
    run_converter,
    split_sorted,
    split_summary,
    vessel_label_to_png,
)

CHASE_DB1_LEN = 28 * 3
TRAINING_LEN = 60


def convert_chase_db1(dataset_path: str,
                      out_dir: str = osp.join('data', 'CHASE_DB1'),
                      tmp_dir: Optional[str] = None) -> Dict[str, List[str]]:
    """Convert the archive.

    Args:
        dataset_path: ``CHASEDB1.zip``.
        out_dir: Output root.
        tmp_dir: Where the archive is unpacked (system default).

    Returns:
        ``{'training' | 'validation': [output image name, ...]}``.
    """
    require_file(dataset_path, 'CHASEDB1.zip')
    make_folders(out_dir, RETINAL_FOLDERS)
    written = {}
    with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
        extract(dataset_path, root)
        splits = split_sorted(list_files(root), TRAINING_LEN, CHASE_DB1_LEN,
                              'CHASEDB1.zip')
        for split, names in splits.items():
            written[split] = []
            for name in names:
                stem, ext = osp.splitext(name)
                if ext.lower() == '.jpg':
                    image_to_png(osp.join(root, name),
                                 osp.join(out_dir, 'images', split,
                                          stem + '.png'))
                    written[split].append(stem + '.png')
                else:
                    vessel_label_to_png(
                        osp.join(root, name),
                        osp.join(out_dir, 'annotations', split,
                                 stem + '.png'))
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert CHASE_DB1 to the mmsegmentation layout')
    parser.add_argument('dataset_path', help='path of CHASEDB1.zip')
    add_output_arguments(parser, 'CHASE_DB1',
                         'folder for the unpacked archive')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_chase_db1, args.dataset_path, args.out_dir,
                            args.tmp_dir)
    print(split_summary(written, args.out_dir))


if __name__ == '__main__':
    main()
