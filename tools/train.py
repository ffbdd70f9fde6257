"""Train a segmentor from an MMSegmentation 0.28 config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume-from CKPT] ...
    bash tools/dist_train.sh CONFIG GPUS [same options]
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.dist import is_main_process, sync_random_seed

from mmseg.cli import (
    add_cfg_options,
    add_speed_options,
    apply_speed_options,
    load_config,
    prepare_work_dir,
    run_cli,
    setup_launch,
    trust_from_args,
)
from mmseg.utils import find_latest_checkpoint


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where to save logs and models')
    parser.add_argument('--load-from', help='checkpoint to start from')
    parser.add_argument('--resume-from', help='checkpoint to resume from')
    parser.add_argument('--auto-resume', action='store_true',
                        help='resume from the latest checkpoint of work-dir')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    gpus = parser.add_mutually_exclusive_group()
    gpus.add_argument('--gpus', type=int, help='(ignored: use '
                      'dist_train.sh / CUDA_VISIBLE_DEVICES)')
    gpus.add_argument('--gpu-ids', type=int, nargs='+', help='(ignored)')
    gpus.add_argument('--gpu-id', type=int, help='(ignored)')
    parser.add_argument('--seed', type=int, help='random seed')
    parser.add_argument('--diff_seed', '--diff-seed', action='store_true',
                        help='a different seed on every rank')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (cuDNN too)')
    add_cfg_options(parser)
    parser.add_argument('--print-config', action='store_true',
                        help='also print the merged config on the console '
                        '(it is always written to the work dir)')
    add_speed_options(parser)
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm'])
    parser.add_argument('--local_rank', '--local-rank', type=int,
                        default=0, help=argparse.SUPPRESS)
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that hold arbitrary Python '
                        'objects (only for files you trust)')
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def resume_settings(args, cfg, work_dir):
    """(checkpoint, resume?) from the flags, then the config."""
    if args.resume_from:
        return args.resume_from, True
    if args.auto_resume:
        latest = find_latest_checkpoint(work_dir)
        if latest:
            return latest, True
        if is_main_process():
            print(f'--auto-resume: no checkpoint in {work_dir}, '
                  'starting anew')
    if cfg.get('resume_from'):
        return cfg.resume_from, True
    return args.load_from or cfg.get('load_from'), False


def main(argv=None):
    args = parse_args(argv)
    trust_from_args(args)
    cfg = load_config(args.config, args.cfg_options + args.options)
    apply_speed_options(args, cfg)
    if any(v is not None for v in (args.gpus, args.gpu_ids, args.gpu_id)):
        print('note: --gpus/--gpu-ids/--gpu-id are ignored; choose devices '
              'with CUDA_VISIBLE_DEVICES and dist_train.sh', file=sys.stderr)
    work_dir = prepare_work_dir(args.work_dir or cfg.get('work_dir'),
                                args.config)
    cfg.work_dir = work_dir
    setup_launch(args.launcher, cfg)
    checkpoint, resume = resume_settings(args, cfg, work_dir)
    if args.print_config and is_main_process():
        print(cfg.pretty_text)

    from mmseg.apis import build_train_runner  # after dist init
    # recorded in the config dumped to the work dir, as 0.28 does
    cfg.seed = sync_random_seed() if args.seed is None else args.seed
    cfg.resume_from = checkpoint if resume else None
    cfg.load_from = None if resume else checkpoint
    runner = build_train_runner(
        cfg, work_dir, validate=not args.no_validate, launcher=args.launcher,
        load_from=checkpoint, resume=resume, seed=cfg.seed,
        diff_seed=args.diff_seed, deterministic=args.deterministic)
    runner.train()
    if is_main_process():
        print(f'work dir: {osp.abspath(work_dir)} (config, logs, '
              'checkpoints; TensorBoard events under <timestamp>/vis_data '
              'when enabled)')


if __name__ == '__main__':
    run_cli(main)
