"""Convert the DRIVE retinal vessel archives to the mmseg layout.

Reads ``training.zip`` (``training/images/{n}_training.tif``,
``training/1st_manual/{n}_manual1.gif``) and ``test.zip``
(``test/images/{n}_test.tif`` and, where the archive has them,
``test/1st_manual/{n}_manual1.gif``, ``test/2nd_manual/{n}_manual2.gif``)
and writes::

    OUT_DIR/images/{training,validation}/{n}.png
    OUT_DIR/annotations/{training,validation}/{n}_manual1.png  (0/1)

(``test`` becomes ``validation``; ``_manual2`` maps are written too).

Usage:
    python tools/convert_datasets/drive.py training.zip test.zip \
        -o data/DRIVE
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
    split_summary,
    vessel_label_to_png,
)

# archive folder -> output split, image-name tag dropped in the output
PARTS = (('training', 'training', '_training'),
         ('test', 'validation', '_test'))


def _convert_part(root: str, part: str, split: str, tag: str,
                  out_dir: str) -> List[str]:
    """Write the images and labels of one unpacked archive."""
    images = list_files(osp.join(root, part, 'images'))
    for name in images:
        stem = osp.splitext(name)[0].replace(tag, '')
        image_to_png(osp.join(root, part, 'images', name),
                     osp.join(out_dir, 'images', split, stem + '.png'))
    for labels in ('1st_manual', '2nd_manual'):
        folder = osp.join(root, part, labels)
        # training.zip has the first observer's maps only; test.zip has
        # both, or none in some releases
        if not osp.isdir(folder) and (part == 'test' or
                                      labels == '2nd_manual'):
            continue
        for name in list_files(folder):
            vessel_label_to_png(
                osp.join(folder, name),
                osp.join(out_dir, 'annotations', split,
                         osp.splitext(name)[0] + '.png'))
    return images


def convert_drive(training_path: str, testing_path: str,
                  out_dir: str = osp.join('data', 'DRIVE'),
                  tmp_dir: Optional[str] = None) -> Dict[str, List[str]]:
    """Convert both archives.

    Args:
        training_path: ``training.zip``.
        testing_path: ``test.zip``.
        out_dir: Output root.
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{'training' | 'validation': [source image name, ...]}``.
    """
    require_file(training_path, 'DRIVE training.zip')
    require_file(testing_path, 'DRIVE test.zip')
    make_folders(out_dir, RETINAL_FOLDERS)
    written = {}
    with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
        for (part, split, tag), archive in zip(PARTS,
                                               (training_path, testing_path)):
            extract(archive, root)
            written[split] = _convert_part(root, part, split, tag, out_dir)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert DRIVE to the mmsegmentation layout')
    parser.add_argument('training_path', help='path of DRIVE training.zip')
    parser.add_argument('testing_path', help='path of DRIVE test.zip')
    add_output_arguments(parser, 'DRIVE')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_drive, args.training_path,
                            args.testing_path, args.out_dir, args.tmp_dir)
    print(split_summary(written, args.out_dir))


if __name__ == '__main__':
    main()
