"""Save a config's training samples as its pipeline makes them, with their
labels drawn over the images.

    python tools/browse_dataset.py CONFIG --output-dir DIR [--num N]
        [--show-origin] [--opacity 0.5]

Normalisation and formatting steps are left out so that the images are
seen as the network gets them, before scaling to its input range.
"""
import argparse
import copy
import os.path as osp

import mmcv
import numpy as np

from mmseg.cli import add_cfg_options, load_config, run_cli
from mmseg.core.visualization import labelled_panels, overlay
from mmseg.datasets import build_dataset

SKIPPED = ('Normalize', 'DefaultFormatBundle', 'Collect', 'ImageToTensor',
           'ToTensor', 'Transpose')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Browse a dataset')
    parser.add_argument('config', help='config file')
    parser.add_argument('--output-dir', required=True,
                        help='where the drawn samples are written')
    parser.add_argument('--num', type=int, default=10,
                        help='samples to draw (default 10; 0: all)')
    parser.add_argument('--show-origin', action='store_true',
                        help='the loaded images, not the transformed ones')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='label colour weight, in (0, 1]')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    if not 0 < args.opacity <= 1:
        parser.error('--opacity must be in (0, 1]')
    return args


def browse_pipeline(pipeline: list, origin: bool) -> list:
    """The steps that change what the image and label look like."""
    if origin:
        return [s for s in pipeline
                if s['type'] in ('LoadImageFromFile', 'LoadAnnotations')]
    return [s for s in pipeline if s['type'] not in SKIPPED]


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options + args.options)
    train_cfg = copy.deepcopy(cfg.data.train)
    if train_cfg.get('type') == 'RepeatDataset':
        train_cfg = train_cfg.dataset
    train_cfg.pipeline = browse_pipeline(train_cfg.pipeline,
                                         args.show_origin)
    dataset = build_dataset(train_cfg)
    count = len(dataset) if args.num == 0 else min(args.num, len(dataset))
    for index in range(count):
        sample = dataset[index]
        img = np.clip(sample['img'], 0, 255).astype(np.uint8)
        label = sample['gt_semantic_seg']
        drawn = overlay(img, label, dataset.PALETTE, args.opacity)
        present = [i for i in np.unique(label) if i < len(dataset.CLASSES)]
        figure = labelled_panels(
            [('image', img), ('labels', drawn)],
            [(dataset.CLASSES[i], dataset.PALETTE[i]) for i in present])
        name = osp.splitext(osp.basename(sample['filename']))[0]
        mmcv.imwrite(figure, osp.join(args.output_dir, f'{name}.png'))
    print(f'wrote {count} images to {args.output_dir}')


if __name__ == '__main__':
    run_cli(main)
