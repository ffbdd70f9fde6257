"""Inference throughput (images/s) of a segmentor on its test set.

Only the model's time is counted (data loading excluded), after up to 5
warm-up images (fewer on tiny sets), under ``torch.inference_mode()``.
``--mode`` picks whole-image, sliding-window or multi-scale + flip
inference (the dataset type's ratios; flips run batched with their scale).

    python tools/benchmark.py CONFIG [CHECKPOINT | --random-init]
        [--mode whole|slide|aug] [--device cpu|cuda] [--fp16]
        [--compare-fp32] [--channels-last] [--num-images N]
"""
import argparse
import contextlib
from functools import partial

import torch
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from mmseg.apis import configure_aug_test, init_segmentor
from mmseg.cli import UsageError, add_cfg_options, load_config, run_cli
from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.utils.amp import amp_dtype
from mmseg.utils.profiling import timed_call

WARMUP = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--random-init', action='store_true',
                        help='no checkpoint: time a randomly initialised '
                        'model')
    parser.add_argument('--mode', choices=['whole', 'slide', 'aug'],
                        default='whole')
    parser.add_argument('--slide-crop', type=int, nargs=2,
                        help='window of --mode slide (default: the training '
                        'crop)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--fp16', action='store_true',
                        help='autocast to float16 (CUDA) or bfloat16 (CPU)')
    parser.add_argument('--compare-fp32', action='store_true',
                        help='with --fp16: also report mIoU of fp16 vs fp32')
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument('--num-images', type=int, default=200)
    parser.add_argument('--log-interval', type=int, default=50)
    parser.add_argument('--repeat-times', type=int, default=1)
    parser.add_argument('--work-dir', help='(accepted for 0.28 '
                        'compatibility)')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    if (args.checkpoint is None) == (not args.random_init):
        parser.error('give a CHECKPOINT or --random-init')
    return args


def set_mode(cfg, args) -> None:
    """Switch the config to the asked inference mode."""
    if args.mode == 'aug':
        configure_aug_test(cfg.data.test)
    elif args.mode == 'slide':
        crop = args.slide_crop or next(
            s['crop_size'] for s in cfg.data.train.pipeline
            if s['type'] == 'RandomCrop')
        stride = [max(1, c * 2 // 3) for c in crop]
        cfg.model.test_cfg = dict(mode='slide', crop_size=tuple(crop),
                                  stride=tuple(stride))
    else:
        cfg.model.test_cfg = dict(mode='whole')


def run(model, loader, args, device, fp16: bool):
    """Predictions, images/s, and the numbers of timed and warm-up images
    of one pass over ``loader``."""
    autocast = torch.autocast(device.type, dtype=amp_dtype(device.type)) \
        if fp16 else contextlib.nullcontext()
    memory_format = torch.channels_last if args.channels_last \
        else torch.contiguous_format
    preds, timed, seconds = [], 0, 0.0
    total = min(args.num_images, len(loader))
    warmup = min(WARMUP, total - 1)  # small sets still time one image
    with torch.inference_mode(), autocast:
        for i, batch in enumerate(loader):
            views = [v.to(device, memory_format=memory_format)
                     for v in batch['img']]
            batch_preds, batch_seconds = timed_call(
                partial(model, views, batch['img_metas'], mode='predict'),
                device)
            preds.extend(batch_preds)
            if i >= warmup:
                timed += len(batch['img_metas'][0])
                seconds += batch_seconds
                if timed % args.log_interval == 0:
                    print_log(f'done image [{timed}], '
                              f'{timed / seconds:.2f} img/s', 'current')
            if i + 1 >= total:
                break
    return preds, timed / seconds, timed, warmup


def _images(count: int) -> str:
    return f'{count} image{"" if count == 1 else "s"}'


def main(argv=None) -> dict:
    args = parse_args(argv)
    device = torch.device(args.device)
    cfg = load_config(args.config, args.cfg_options + args.options)
    set_mode(cfg, args)
    dataset = build_dataset(cfg.data.test, dict(test_mode=True))
    if len(dataset) == 0:
        raise UsageError(f'the test set of {args.config} has no images')
    loader = DataLoader(dataset, batch_size=1, shuffle=False,
                        num_workers=cfg.data.workers_per_gpu,
                        collate_fn=seg_collate)
    model = init_segmentor(cfg, args.checkpoint, args.device)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    report = dict(mode=args.mode, fps=[])
    for _ in range(args.repeat_times):
        preds, fps, timed, warmup = run(model, loader, args, device,
                                        args.fp16)
        report.update(timed=timed, warmup=warmup)
        report['fps'].append(fps)
        print(f'{args.mode} inference on {device}'
              f'{" (autocast)" if args.fp16 else ""}: {fps:.2f} img/s '
              f'over {_images(timed)}, after {_images(warmup)} of warm-up')
    if args.compare_fp32:
        fp32, fps32, _, _ = run(model, loader, args, device, fp16=False)
        indices = list(range(len(preds)))
        miou = [dataset.evaluate(dataset.pre_eval(p, indices))['mIoU']
                for p in (preds, fp32)]
        report.update(fps32=fps32, miou_fp16=miou[0], miou_fp32=miou[1])
        print(f'fp32: {fps32:.2f} img/s; mIoU fp16 {miou[0]:.4f} vs fp32 '
              f'{miou[1]:.4f} (difference {100 * (miou[0] - miou[1]):+.2f})')
    return report


if __name__ == '__main__':
    run_cli(main)
