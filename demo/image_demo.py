"""Segment one image and draw the result over it.

    python demo/image_demo.py IMG CONFIG CHECKPOINT [--out-file F]
        [--device cpu] [--palette cityscapes] [--opacity 0.5]

Without --out-file the drawing opens in a matplotlib window.
"""
import argparse

from mmseg.apis import inference_segmentor, init_segmentor, show_result_pyplot
from mmseg.cli import run_cli
from mmseg.core.evaluation import get_palette


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Segment one image')
    parser.add_argument('img', help='image file')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', help='write the drawing here')
    parser.add_argument('--device', default='cpu', help='e.g. cuda:0')
    parser.add_argument('--palette', default='cityscapes',
                        help='palette of a dataset, e.g. cityscapes, ade')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='label colour weight, in (0, 1]')
    args = parser.parse_args(argv)
    if not 0 < args.opacity <= 1:
        parser.error('--opacity must be in (0, 1]')
    return args


def main(argv=None):
    args = parse_args(argv)
    model = init_segmentor(args.config, args.checkpoint, args.device)
    result = inference_segmentor(model, args.img)
    palette = get_palette(args.palette)
    if args.out_file:
        model.show_result(args.img, result, palette, out_file=args.out_file,
                          opacity=args.opacity)
        print(f'wrote {args.out_file}')
    else:
        show_result_pyplot(model, args.img, result, palette,
                           opacity=args.opacity)


if __name__ == '__main__':
    run_cli(main)
