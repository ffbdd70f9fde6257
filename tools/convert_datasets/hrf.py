"""Convert the HRF retinal vessel archives to the mmseg layout.

Reads the three image archives ``healthy.zip``, ``glaucoma.zip`` and
``diabetic_retinopathy.zip`` (15 fundus images each, e.g. ``01_h.jpg``)
and their ``*_manualsegm.zip`` (15 vessel maps each, e.g. ``01_h.tif``).
In each archive the first 5 files (sorted) go to training, the other 10
to validation::

    OUT_DIR/images/{training,validation}/01_h.png
    OUT_DIR/annotations/{training,validation}/01_h.png  (0/1)

Usage:
    python tools/convert_datasets/hrf.py healthy.zip \
        healthy_manualsegm.zip glaucoma.zip glaucoma_manualsegm.zip \
        diabetic_retinopathy.zip diabetic_retinopathy_manualsegm.zip \
        -o data/HRF
"""
import argparse
import os.path as osp
import tempfile
from typing import Dict, List, Optional, Sequence

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

HRF_LEN = 15
TRAINING_LEN = 5
CATEGORIES = ('healthy', 'glaucoma', 'diabetic_retinopathy')


def convert_hrf(images_paths: Sequence[str],
                annotations_paths: Sequence[str],
                out_dir: str = osp.join('data', 'HRF'),
                tmp_dir: Optional[str] = None) -> Dict[str, List[str]]:
    """Convert the six archives.

    Args:
        images_paths: ``healthy.zip``, ``glaucoma.zip``,
            ``diabetic_retinopathy.zip``.
        annotations_paths: the matching ``*_manualsegm.zip``.
        out_dir: Output root.
        tmp_dir: Where the archives are unpacked (system default).

    Returns:
        ``{'training' | 'validation': [output image name, ...]}``.
    """
    archives = [(path, 'images', f'{c}.zip')
                for path, c in zip(images_paths, CATEGORIES)]
    archives += [(path, 'annotations', f'{c}_manualsegm.zip')
                 for path, c in zip(annotations_paths, CATEGORIES)]
    for path, _, what in archives:
        require_file(path, f'HRF {what}')
    make_folders(out_dir, RETINAL_FOLDERS)
    written = dict(training=[], validation=[])
    for path, kind, what in archives:
        with tempfile.TemporaryDirectory(dir=tmp_dir) as root:
            extract(path, root)
            splits = split_sorted(list_files(root), TRAINING_LEN, HRF_LEN,
                                  what)
            for split, names in splits.items():
                for name in names:
                    png = osp.splitext(name)[0] + '.png'
                    dst = osp.join(out_dir, kind, split, png)
                    if kind == 'images':
                        image_to_png(osp.join(root, name), dst)
                        written[split].append(png)
                    else:
                        vessel_label_to_png(osp.join(root, name), dst)
    return written


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert HRF to the mmsegmentation layout')
    for category in CATEGORIES:
        parser.add_argument(f'{category}_path',
                            help=f'path of {category}.zip')
        parser.add_argument(f'{category}_manualsegm_path',
                            help=f'path of {category}_manualsegm.zip')
    add_output_arguments(parser, 'HRF')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    images = [getattr(args, f'{c}_path') for c in CATEGORIES]
    labels = [getattr(args, f'{c}_manualsegm_path') for c in CATEGORIES]
    written = run_converter(convert_hrf, images, labels, args.out_dir,
                            args.tmp_dir)
    print(split_summary(written, args.out_dir))


if __name__ == '__main__':
    main()
