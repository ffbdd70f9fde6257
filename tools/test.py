"""Test (and evaluate or export) a checkpoint with a 0.28 config.

    python tools/test.py CONFIG CHECKPOINT --eval mIoU [--aug-test]
    bash tools/dist_test.sh CONFIG CHECKPOINT GPUS --eval mIoU
    ... --format-only --eval-options "imgfile_prefix=DIR"   (Cityscapes test)
"""
import argparse
import json
import os
import os.path as osp
import time

import mmengine
import numpy as np
from mmengine.dist import is_main_process

from mmseg.apis import configure_aug_test, test_segmentor
from mmseg.cli import (
    UsageError,
    add_cfg_options,
    add_speed_options,
    apply_speed_options,
    load_config,
    parse_cfg_options,
    prepare_work_dir,
    run_cli,
    setup_launch,
    trust_from_args,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test a segmentor')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where to save the metrics json')
    parser.add_argument('--aug-test', action='store_true',
                        help='multi-scale + flip test with the dataset '
                        "type's ratios")
    parser.add_argument('--aug-ratios', type=float, nargs='+',
                        help='override the --aug-test ratios')
    parser.add_argument('--out', help='pickle file for the predictions')
    parser.add_argument('--format-only', action='store_true',
                        help='only write results for a test server (needs '
                        '--eval-options "imgfile_prefix=DIR")')
    parser.add_argument('--eval', type=str, nargs='+',
                        help='metrics: mIoU, mDice, mFscore, cityscapes')
    parser.add_argument('--show', action='store_true',
                        help='same as --show-dir ./show (no windows on '
                        'headless machines)')
    parser.add_argument('--show-dir', help='write prediction overlays here')
    parser.add_argument('--gpu-collect', action='store_true',
                        help='gather results with collectives, not files')
    parser.add_argument('--gpu-id', type=int, default=0, help='(ignored)')
    parser.add_argument('--tmpdir', help='folder for gathering results')
    add_cfg_options(parser)
    add_speed_options(parser)
    parser.add_argument('--eval-options', nargs='+', default=[],
                        metavar='KEY=VAL',
                        help='arguments of dataset.evaluate / '
                        'format_results, e.g. imgfile_prefix=DIR')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm'])
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='overlay opacity for --show-dir, in (0, 1]')
    parser.add_argument('--local_rank', '--local-rank', type=int,
                        default=0, help=argparse.SUPPRESS)
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that hold arbitrary Python '
                        'objects (only for files you trust)')
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    if not (args.out or args.eval or args.format_only or args.show
            or args.show_dir):
        parser.error('give at least one of --out, --eval, --format-only, '
                     '--show, --show-dir')
    if args.eval and args.format_only:
        parser.error('--eval and --format-only cannot be used together')
    if not 0 < args.opacity <= 1:
        parser.error('--opacity must be in (0, 1]')
    return args


def metric_settings(args) -> dict:
    """``DatasetMetric`` arguments from the flags."""
    eval_options = parse_cfg_options(args.eval_options, '--eval-options',
                                     'imgfile_prefix=DIR')
    format_args = {}
    if 'imgfile_prefix' in eval_options:
        format_args['imgfile_prefix'] = eval_options.pop('imgfile_prefix')
    if 'to_label_id' in eval_options:
        format_args['to_label_id'] = eval_options.pop('to_label_id')
    if args.format_only and 'imgfile_prefix' not in format_args:
        raise UsageError('--format-only needs an output folder: add '
                         '--eval-options "imgfile_prefix=DIR"')
    return dict(
        metric=args.eval or [],
        format_only=args.format_only,
        format_args=format_args,
        keep_predictions=bool(args.out),
        show_dir=args.show_dir or ('./show' if args.show else None),
        opacity=args.opacity,
        collect_device='gpu' if args.gpu_collect else 'cpu',
        collect_dir=args.tmpdir,
        **eval_options)


def _plain(value):
    """JSON form of the numpy values in metrics (cityscapesscripts' result
    dict holds numpy integers)."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f'{type(value).__name__} is not JSON serializable')


def main(argv=None):
    args = parse_args(argv)
    trust_from_args(args)
    cfg = load_config(args.config, args.cfg_options + args.options)
    apply_speed_options(args, cfg)
    if args.out and not args.out.endswith(('.pkl', '.pickle')):
        raise UsageError(f'--out {args.out}: use a .pkl or .pickle file')
    metric_cfg = metric_settings(args)
    work_dir = prepare_work_dir(args.work_dir, args.config)
    cfg.data.test.test_mode = True
    if args.aug_test or args.aug_ratios:
        ratios = configure_aug_test(cfg.data.test, args.aug_ratios)
        print(f'multi-scale + flip test, ratios {ratios}')
    setup_launch(args.launcher, cfg)
    metrics, metric, dataset = test_segmentor(
        cfg, args.checkpoint, work_dir, metric_cfg, args.launcher)
    if not is_main_process():
        return
    if args.out:
        mmengine.dump(metric.predictions, args.out)
        print(f'predictions written to {args.out}')
    if args.eval:
        scale = 'multi' if args.aug_test or args.aug_ratios else 'single'
        stamp = time.strftime('%Y%m%d_%H%M%S', time.localtime())
        json_file = osp.join(work_dir, f'eval_{scale}_scale_{stamp}.json')
        with open(json_file, 'w') as f:
            json.dump(dict(config=args.config, checkpoint=args.checkpoint,
                           metric=metrics), f, indent=2, default=_plain)
        print(f'metrics written to {json_file}')


if __name__ == '__main__':
    run_cli(main)
