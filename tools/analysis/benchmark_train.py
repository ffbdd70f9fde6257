"""Seconds per training iteration of a config, next to its baseline.

Random images of the config's crop size go through full training steps
(forward, losses, backward, optimizer). A CAC config is compared with its
own baseline: the same model without CAC's branches and loss (``cac`` key
dropped, ``CACFCNHead`` -> ``FCNHead``, ...), measured in the same run. With
``--data`` the config's training pipeline is timed too (images/s of data
loading alone vs of the model step). With ``--settings`` the config's model
is timed eager, channels-last and compiled instead, interleaved; each
figure is the median of ``--iters`` rounds with their spread.

    python tools/analysis/benchmark_train.py CONFIG [--crop 512 1024]
        [--batch 2] [--warmup 2] [--iters 5] [--device cpu|cuda] [--fp16]
        [--baseline CONFIG] [--data] [--settings [--compile-backend B]]
"""
import argparse
import copy
import statistics
import time
import warnings
from functools import partial

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmseg.engine import SegAmpOptimWrapper
from mmseg.engine.hooks.cac_hooks import iter_heads
from mmseg.engine.speed import apply_speed_settings
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import plain_head_cfg
from mmseg.registry import MODELS
from mmseg.utils.cli import UsageError, load_config, run_cli
from mmseg.utils.profiling import peak_memory_mib, timed_call


def baseline_of(model_cfg: dict) -> dict:
    """``model_cfg`` with every head's CAC branches and losses removed."""
    model_cfg = copy.deepcopy(model_cfg)
    for attr in ('decode_head', 'auxiliary_head'):
        heads = model_cfg.get(attr)
        if heads is None:
            continue
        model_cfg[attr] = [plain_head_cfg(h, MODELS) for h in heads] \
            if isinstance(heads, list) else plain_head_cfg(heads, MODELS)
    return model_cfg


def crop_size(cfg: Config):
    for step in cfg.data.train.pipeline:
        if step['type'] == 'RandomCrop':
            return tuple(step['crop_size'])
    raise UsageError('no RandomCrop in the training pipeline: pass --crop')


def compute_full_projection(model) -> None:
    """Make the CAC heads compute the whole projection map, as before the
    projection's last conv ran at the anchors only."""
    for head in iter_heads(model):
        if head.with_cac:
            head.cac_forward_train = partial(_full_projection_losses, head)


def _full_projection_losses(head, inputs, prev, gt_semantic_seg):
    return head.cac_losses(*head.cac_outputs(inputs, *prev), gt_semantic_seg)


def make_step(model_cfg: dict, cfg: Config, args, device,
              channels_last: bool = False, compile=None,
              full_projection: bool = False):
    """A function running one training step of a fresh model."""
    model_cfg = dict(copy.deepcopy(model_cfg), pretrained=None)
    model = build_segmentor(model_cfg).to(device).train()
    if full_projection:
        compute_full_projection(model)
    apply_speed_settings(model, compile,
                         channels_last or args.channels_last)
    optim_cfg = dict(type='OptimWrapper', optimizer=dict(cfg.optimizer))
    optim_cfg['optimizer'].pop('paramwise_cfg', None)
    wrapper = build_optim_wrapper(model, optim_cfg)
    if args.fp16:  # float16 on CUDA, bfloat16 on CPU
        wrapper = SegAmpOptimWrapper(optimizer=wrapper.optimizer)
    h, w = args.crop or crop_size(cfg)
    g = torch.Generator().manual_seed(0)
    batch = dict(
        img=torch.randn(args.batch, 3, h, w, generator=g).to(device),
        img_metas=[dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                        pad_shape=(h, w, 3), flip=False)] * args.batch,
        gt_semantic_seg=torch.randint(0, model.num_classes,
                                      (args.batch, 1, h, w),
                                      generator=g).to(device))
    step = partial(model.train_step, batch, wrapper)
    step.params = sum(p.numel() for p in model.parameters())
    return step


def time_steps(steps: dict, args, device) -> dict:
    """Median seconds per step of each model, their steps interleaved so
    that load changes on the machine affect them alike, and the peak
    memory of one more step."""
    times = {name: [] for name in steps}
    for i in range(args.warmup + args.iters):
        for name, step in steps.items():
            _, seconds = timed_call(step, device)
            if i >= args.warmup:
                times[name].append(seconds)
    return {name: dict(seconds=statistics.median(times[name]),
                       spread=(min(times[name]), max(times[name])),
                       params=steps[name].params,
                       peak_mib=peak_memory_mib(steps[name], device))
            for name in steps}


def time_data_pipeline(cfg: Config, args) -> float:
    """Images per second of the training data loader alone."""
    from mmengine.runner import Runner

    from mmseg.engine.legacy_config import split_dataloader
    loader = Runner.build_dataloader(
        dict(split_dataloader(cfg, 'train', seed=0), batch_size=args.batch),
        seed=0)
    batches = iter(loader)
    for _ in range(args.warmup):
        next(batches)
    start = time.perf_counter()
    for _ in range(args.iters):
        next(batches)
    return args.iters * args.batch / (time.perf_counter() - start)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--baseline', help='baseline config (default: the '
                        'config with plain heads and no CAC loss)')
    parser.add_argument('--crop', type=int, nargs=2,
                        help='image size (default: the config crop)')
    parser.add_argument('--batch', type=int, default=2,
                        help='images per step (per GPU in the configs)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--fp16', action='store_true',
                        help='mixed precision: float16 (CUDA) or bfloat16 '
                        '(CPU)')
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument('--data', action='store_true',
                        help='also time the training data pipeline')
    parser.add_argument('--full-projection', action='store_true',
                        help='also time the config with the projection '
                        'computed on the whole map instead of the anchors')
    parser.add_argument('--settings', action='store_true',
                        help='compare eager, channels-last and compiled '
                        'steps of the config model')
    parser.add_argument('--compile-backend', default='inductor',
                        help='torch.compile backend for --settings')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VAL')
    return parser.parse_args(argv)


def compare_settings(cfg: Config, args, device) -> dict:
    """Seconds per step of the config model eager, channels-last and
    compiled, interleaved; ratios are eager / setting (>1: faster)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        results = time_steps(dict(
            eager=make_step(cfg.model, cfg, args, device),
            channels_last=make_step(cfg.model, cfg, args, device,
                                    channels_last=True),
            compiled=make_step(cfg.model, cfg, args, device,
                               compile=dict(backend=args.compile_backend))),
            args, device)
    h, w = args.crop or crop_size(cfg)
    print(f'training step, batch {args.batch} of {h}x{w} on {device}, '
          f'median of {args.iters} interleaved rounds after {args.warmup} '
          f'warm-up (compile backend {args.compile_backend})')
    eager = results['eager']['seconds']
    for name, result in results.items():
        low, high = result['spread']
        result['speed_up'] = eager / result['seconds']
        print(f'  {name:13s} {result["seconds"]:8.3f} s/iter '
              f'(rounds {low:.3f}-{high:.3f})  '
              f'speed-up {result["speed_up"]:5.3f}x')
    return results


def main(argv=None) -> dict:
    args = parse_args(argv)
    device = torch.device(args.device)
    cfg = load_config(args.config, args.cfg_options)
    if args.settings:
        return compare_settings(cfg, args, device)
    base_model = load_config(args.baseline).model if args.baseline \
        else baseline_of(cfg.model)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN -> BN on CPU, etc.
        steps = dict(config=make_step(cfg.model, cfg, args, device),
                     baseline=make_step(base_model, cfg, args, device))
        if args.full_projection:
            steps['full_proj'] = make_step(cfg.model, cfg, args, device,
                                           full_projection=True)
        results = time_steps(steps, args, device)
    ours, base = results['config'], results['baseline']
    h, w = args.crop or crop_size(cfg)
    print(f'training step, batch {args.batch} of {h}x{w} on {device}, '
          f'median of {args.iters} after {args.warmup} warm-up')
    for name, result in results.items():
        print(f'  {name:9s} {result["seconds"]:8.3f} s/iter  '
              f'{args.batch / result["seconds"]:7.2f} img/s  '
              f'peak memory {result["peak_mib"]:.0f} MiB  '
              f'{result["params"]:,} parameters')
    ratio = ours['seconds'] / base['seconds']
    print(f'  ratio     {ratio:8.3f}  (config / baseline)')
    report = dict(results, ratio=ratio)
    if args.full_projection:
        report['full_proj_ratio'] = \
            results['full_proj']['seconds'] / base['seconds']
        print(f'  ratio     {report["full_proj_ratio"]:8.3f}  (full_proj / '
              'baseline)')
    if args.data:
        report['data_img_per_s'] = time_data_pipeline(cfg, args)
        print(f'  data pipeline alone {report["data_img_per_s"]:7.2f} img/s '
              f'with {cfg.data.workers_per_gpu} worker(s); model step '
              f'{args.batch / ours["seconds"]:7.2f} img/s')
    return report


if __name__ == '__main__':
    run_cli(main)
