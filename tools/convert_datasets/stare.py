"""Convert the STARE retinal vessel archives to the mmseg layout.

Reads ``stare-images.tar`` (``im0001.ppm.gz`` ... 20 images),
``labels-ah.tar`` (``im0001.ah.ppm.gz``, Adam Hoover's labels) and
``labels-vk.tar`` (``im0001.vk.ppm.gz``, Valentina Kouznetsova's) and
writes the first 10 images (sorted) for training, the other 10 for
validation::

    OUT_DIR/images/{training,validation}/im0001.png
    OUT_DIR/annotations/{training,validation}/im0001.{ah,vk}.png  (0/1)

Usage:
    python tools/convert_datasets/stare.py stare-images.tar \
        labels-ah.tar labels-vk.tar -o data/STARE
"""
import argparse
import os
import os.path as osp
import tempfile
from typing import Dict, List, Optional

from mmseg.utils.dataset_files import (
    RETINAL_FOLDERS,
    add_output_arguments,
    extract,
    gunzip,
    image_to_png,
    list_files,
    make_folders,
    require_file,
    run_converter,
    split_sorted,
    split_summary,
    vessel_label_to_png,
)

STARE_LEN = 20
TRAINING_LEN = 10


def _unpack(archive: str, root: str) -> str:
    """Untar ``archive`` and gunzip its files; returns their folder."""
    packed, files = osp.join(root, 'gz'), osp.join(root, 'files')
    os.makedirs(files)
    extract(archive, packed)
    for name in list_files(packed):
        gunzip(osp.join(packed, name),
               osp.join(files, name[:-3] if name.endswith('.gz') else name))
    return files


def convert_stare(image_path: str, labels_ah: str, labels_vk: str,
                  out_dir: str = osp.join('data', 'STARE'),
                  tmp_dir: Optional[str] = None) -> Dict[str, List[str]]:
    """Convert the three archives.

    Args:
        image_path: ``stare-images.tar``.
        labels_ah: ``labels-ah.tar``.
        labels_vk: ``labels-vk.tar``.
        out_dir: Output root.
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{'training' | 'validation': [output image name, ...]}``.
    """
    archives = ((image_path, 'images', 'stare-images.tar'),
                (labels_ah, 'annotations', 'labels-ah.tar'),
                (labels_vk, 'annotations', 'labels-vk.tar'))
    for path, _, what in archives:
        require_file(path, f'STARE {what}')
    make_folders(out_dir, RETINAL_FOLDERS)
    written = {}
    for path, kind, what in archives:
        with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
            files = _unpack(path, root)
            splits = split_sorted(list_files(files), TRAINING_LEN, STARE_LEN,
                                  what)
            for split, names in splits.items():
                for name in names:
                    # im0001.ppm -> im0001.png, im0001.ah.ppm -> im0001.ah.png
                    dst = osp.join(out_dir, kind, split,
                                   osp.splitext(name)[0] + '.png')
                    if kind == 'images':
                        image_to_png(osp.join(files, name), dst)
                    else:
                        vessel_label_to_png(osp.join(files, name), dst)
                if kind == 'images':
                    written[split] = [osp.splitext(n)[0] + '.png'
                                      for n in names]
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert STARE to the mmsegmentation layout')
    parser.add_argument('image_path', help='path of stare-images.tar')
    parser.add_argument('labels_ah', help='path of labels-ah.tar')
    parser.add_argument('labels_vk', help='path of labels-vk.tar')
    add_output_arguments(parser, 'STARE')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    written = run_converter(convert_stare, args.image_path, args.labels_ah,
                            args.labels_vk, args.out_dir, args.tmp_dir)
    print(split_summary(written, args.out_dir))


if __name__ == '__main__':
    main()
