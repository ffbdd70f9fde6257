"""Export a segmentor to ONNX (test-time logits; CAC branches left out).

    python tools/pytorch2onnx.py CONFIG --checkpoint CKPT --output-file F \
        [--shape H W] [--dynamic-export] [--verify]

Needs the deploy extra: pip install -e ".[deploy]".
"""
import argparse

from mmseg.apis import init_segmentor
from mmseg.apis.deploy import export_onnx, max_logit_error, require_onnx
from mmseg.cli import (
    UsageError,
    add_cfg_options,
    load_config,
    run_cli,
    trust_from_args,
)

# relative to the largest logit: float32 round-off, not a wrong graph
TOLERANCE = 1e-4


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Export a segmentor to '
                                     'ONNX')
    parser.add_argument('config', help='config file')
    parser.add_argument('--checkpoint', help='weights (default: random '
                        'initialisation)')
    parser.add_argument('--output-file', default='tmp.onnx')
    parser.add_argument('--opset-version', type=int, default=11)
    parser.add_argument('--shape', type=int, nargs='+', default=[256, 256],
                        help='input height and width (one value: square)')
    parser.add_argument('--dynamic-export', action='store_true',
                        help='batch size, height and width left free')
    parser.add_argument('--verify', action='store_true',
                        help='compare ONNX Runtime with PyTorch')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that hold arbitrary Python '
                        'objects (only for files you trust)')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    if len(args.shape) not in (1, 2):
        parser.error('--shape takes H W or one size')
    if args.opset_version < 11:
        parser.error('--opset-version must be 11 or more')
    return args


def verify(model, output_file: str, img, dynamic: bool) -> None:
    """ONNX Runtime's logits equal PyTorch's at the export size and, for
    a dynamic export, at a second size too."""
    imgs = [img]
    if dynamic:
        imgs.append(img.new_zeros(2, 3, img.shape[2] + 32,
                                  img.shape[3] + 32).normal_())
    for x in imgs:
        error, scale = max_logit_error(model, output_file, x)
        shape = 'x'.join(map(str, x.shape))
        if error > TOLERANCE * max(scale, 1e-12):
            raise ValueError(f'ONNX Runtime and PyTorch differ for a '
                             f'{shape} input: {error:.3g} (logit scale '
                             f'{scale:.3g})')
        print(f'verified {shape}: max logit difference {error:.3g} '
              f'(scale {scale:.3g})')


def main(argv=None):
    args = parse_args(argv)
    require_onnx('tools/pytorch2onnx.py')
    trust_from_args(args)
    cfg = load_config(args.config, args.cfg_options + args.options)
    model = init_segmentor(cfg, args.checkpoint)
    shape = tuple(args.shape * 2 if len(args.shape) == 1 else args.shape)
    try:
        img = export_onnx(model, args.output_file, shape,
                          args.dynamic_export, args.opset_version)
    except RuntimeError as error:  # the exporter's unsupported operators
        raise UsageError(f'{args.config}: cannot export to ONNX: '
                         f'{str(error).splitlines()[0]}') from None
    size = 'any' if args.dynamic_export else 'x'.join(map(str, shape))
    print(f'wrote {args.output_file} ({size} input)')
    if args.verify:
        verify(model, args.output_file, img, args.dynamic_export)


if __name__ == '__main__':
    run_cli(main)
