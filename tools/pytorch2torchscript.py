"""Trace a segmentor's test-time logits to TorchScript.

    python tools/pytorch2torchscript.py CONFIG --checkpoint CKPT \
        --output-file F [--shape H W] [--verify]

The traced module maps images (N, 3, H, W) of the traced size to logits
(N, num_classes, H, W); CAC branches are left out.
"""
import argparse

import torch

from mmseg.apis import init_segmentor
from mmseg.apis.deploy import TestLogits
from mmseg.cli import (
    add_cfg_options,
    load_config,
    run_cli,
    trust_from_args,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Trace a segmentor to '
                                     'TorchScript')
    parser.add_argument('config', help='config file')
    parser.add_argument('--checkpoint', help='weights (default: random '
                        'initialisation)')
    parser.add_argument('--output-file', default='tmp.pt')
    parser.add_argument('--shape', type=int, nargs='+', default=[512, 512],
                        help='input height and width (one value: square)')
    parser.add_argument('--verify', action='store_true',
                        help='compare the traced module with the model')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that hold arbitrary Python '
                        'objects (only for files you trust)')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    if len(args.shape) not in (1, 2):
        parser.error('--shape takes H W or one size')
    return args


def main(argv=None):
    args = parse_args(argv)
    trust_from_args(args)
    cfg = load_config(args.config, args.cfg_options + args.options)
    module = TestLogits(init_segmentor(cfg, args.checkpoint))
    shape = args.shape * 2 if len(args.shape) == 1 else args.shape
    img = torch.randn(1, 3, *shape,
                      generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        traced = torch.jit.trace(module, img, check_trace=False)
    traced.save(args.output_file)
    print(f'wrote {args.output_file} ({shape[0]}x{shape[1]} input)')
    if args.verify:
        with torch.no_grad():
            loaded = torch.jit.load(args.output_file)
            error = (loaded(img) - module(img)).abs().max().item()
        if error != 0:
            raise ValueError(f'the traced module differs from the model by '
                             f'{error:.3g}')
        print('verified: the traced module gives the model\'s logits')


if __name__ == '__main__':
    run_cli(main)
