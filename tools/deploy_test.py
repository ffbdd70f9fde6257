"""Evaluate an exported (ONNX) segmentor on a config's test set.

    python tools/deploy_test.py CONFIG MODEL.onnx onnxruntime --eval mIoU

Predictions are made as ``tools/test.py`` makes them (single scale, the
logits cropped to the image and resized to its original size), so on the
same checkpoint the metrics agree. TensorRT is not supported: it needs an
NVIDIA GPU and mmcv-full's TensorRT plugins. Needs the deploy extra:
pip install -e ".[deploy]".
"""
import argparse
import json
import os.path as osp

import mmengine
import numpy as np
import torch

from mmseg.apis.deploy import ONNXRuntimeSegmentor
from mmseg.cli import (
    UsageError,
    add_cfg_options,
    load_config,
    parse_cfg_options,
    run_cli,
)
from mmseg.datasets import build_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Evaluate an exported '
                                     'segmentor')
    parser.add_argument('config', help='config file')
    parser.add_argument('model', help='exported model (.onnx)')
    parser.add_argument('backend', help="'onnxruntime' ('tensorrt' is not "
                        'supported)')
    parser.add_argument('--out', help='pickle file for the predictions')
    parser.add_argument('--format-only', action='store_true',
                        help='only write results for a test server (needs '
                        '--eval-options "imgfile_prefix=DIR")')
    parser.add_argument('--eval', type=str, nargs='+',
                        help='metrics: mIoU, mDice, mFscore')
    parser.add_argument('--show-dir', help='write prediction overlays here')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='overlay opacity for --show-dir, in (0, 1]')
    parser.add_argument('--work-dir', help='where to save the metrics json')
    parser.add_argument('--device-id', type=int,
                        help='GPU for ONNX Runtime (default: the CPU)')
    add_cfg_options(parser)
    parser.add_argument('--eval-options', nargs='+', default=[],
                        metavar='KEY=VAL',
                        help='arguments of dataset.evaluate / '
                        'format_results, e.g. imgfile_prefix=DIR')
    args = parser.parse_args(argv)
    if args.backend == 'tensorrt':
        parser.error('tensorrt is not supported: it needs an NVIDIA GPU and '
                     "mmcv-full's TensorRT plugins; use onnxruntime")
    if args.backend != 'onnxruntime':
        parser.error(f"backend must be 'onnxruntime', got {args.backend!r}")
    if not (args.out or args.eval or args.format_only or args.show_dir):
        parser.error('give at least one of --out, --eval, --format-only, '
                     '--show-dir')
    if args.eval and args.format_only:
        parser.error('--eval and --format-only cannot be used together')
    return args


def predict(segmentor: ONNXRuntimeSegmentor, dataset) -> list:
    """One label map per test image, in dataset order."""
    results = []
    for index in range(len(dataset)):
        sample = dataset[index]
        views, metas = sample['img'], sample['img_metas']
        if len(views) != 1:
            raise UsageError(f'the test pipeline makes {len(views)} views '
                             'per image: deploy_test runs single-scale '
                             'tests only (no flip, one img_ratio)')
        metas = [getattr(metas[0], 'data', metas[0])]
        results.extend(segmentor.simple_test(views[0][None], metas))
        print(f'\r{index + 1}/{len(dataset)} images', end='', flush=True)
    print()
    return results


def main(argv=None):
    args = parse_args(argv)
    if not osp.isfile(args.model):
        raise FileNotFoundError(f'{args.model}: no such exported model '
                                '(make it with tools/pytorch2onnx.py)')
    cfg = load_config(args.config, args.cfg_options + args.options)
    eval_options = parse_cfg_options(args.eval_options, '--eval-options',
                                     'imgfile_prefix=DIR')
    dataset = build_dataset(cfg.data.test, dict(test_mode=True))
    segmentor = ONNXRuntimeSegmentor(
        args.model, bool(cfg.model.decode_head.get('align_corners')),
        args.device_id)
    with torch.no_grad():
        results = predict(segmentor, dataset)
    if args.out:
        mmengine.dump(results, args.out)
        print(f'predictions written to {args.out}')
    if args.show_dir:
        for index, pred in enumerate(results):
            dataset.show_prediction(index, pred, args.show_dir,
                                    args.opacity)
        print(f'wrote {len(results)} images to {args.show_dir}')
    if args.format_only:
        if 'imgfile_prefix' not in eval_options:
            raise UsageError('--format-only needs an output folder: add '
                             '--eval-options "imgfile_prefix=DIR"')
        dataset.format_results(results, **eval_options)
    if args.eval:
        metrics = dataset.evaluate(results, metric=args.eval,
                                   **eval_options)
        if args.work_dir:
            mmengine.mkdir_or_exist(args.work_dir)
            json_file = osp.join(args.work_dir, 'eval_onnxruntime.json')
            with open(json_file, 'w') as f:
                json.dump(dict(config=args.config, model=args.model,
                               metric=metrics), f, indent=2,
                          default=lambda v: np.asarray(v).tolist())
            print(f'metrics written to {json_file}')


if __name__ == '__main__':
    run_cli(main)
