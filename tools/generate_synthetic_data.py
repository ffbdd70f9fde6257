"""Write a synthetic dataset in the layout of a real benchmark.

Usage:
    python tools/generate_synthetic_data.py cityscapes data/cityscapes
    python tools/generate_synthetic_data.py ade20k data/ade20k \
        --num-train 20 --num-val 5 --size 128 160 --seed 1
    python tools/generate_synthetic_data.py drive data/synthetic_drive
"""
import argparse
import os.path as osp
import time
from typing import Callable, Dict

from mmseg.datasets.synthetic import (
    generate_ade20k,
    generate_chase_db1,
    generate_cityscapes,
    generate_coco_stuff,
    generate_drive,
    generate_hrf,
    generate_pascal_context,
    generate_stare,
)


def _coco(layout: str) -> Callable:
    def generate(root, **kwargs):
        return generate_coco_stuff(root, layout=layout, **kwargs)
    return generate


GENERATORS: Dict[str, Callable] = {
    'cityscapes': generate_cityscapes,
    'ade20k': generate_ade20k,
    'pascal_context': generate_pascal_context,
    'coco_stuff10k': _coco('10k'),
    'coco_stuff164k': _coco('164k'),
    'drive': generate_drive,
    'stare': generate_stare,
    'chase_db1': generate_chase_db1,
    'hrf': generate_hrf,
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate a synthetic segmentation dataset')
    parser.add_argument('dataset', choices=sorted(GENERATORS))
    parser.add_argument('out_dir', help='dataset root to write')
    parser.add_argument('--num-train', type=int, help='training images')
    parser.add_argument('--num-val', type=int,
                        help='validation images (COCO-Stuff 10k: test2014)')
    parser.add_argument('--num-test', type=int,
                        help='test images (Cityscapes only)')
    parser.add_argument('--size', type=int, nargs=2, metavar=('H', 'W'),
                        help='image height and width')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    if args.num_test is not None and args.dataset != 'cityscapes':
        parser.error('--num-test only applies to cityscapes')
    counts = (args.num_train, args.num_val, args.num_test)
    if any(n is not None and n < 0 for n in counts) or args.seed < 0:
        parser.error('image counts and --seed must not be negative')
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    options = dict(num_train=args.num_train, num_val=args.num_val,
                   num_test=args.num_test, size=args.size)
    kwargs = {k: v for k, v in options.items() if v is not None}
    start = time.perf_counter()
    written = GENERATORS[args.dataset](args.out_dir, seed=args.seed, **kwargs)
    seconds = time.perf_counter() - start
    for split, items in written.items():
        print(f'{split}: {len(items)} images')
    total = sum(len(items) for items in written.values())
    print(f'wrote synthetic {args.dataset} ({total} images) to '
          f'{osp.abspath(args.out_dir)} in {seconds:.1f} s')


if __name__ == '__main__':
    main()
