"""Parameters and FLOPs of a segmentor, in total and per module.

Counts ``forward_dummy`` (whole-image logits) with mmengine's analyser,
which traces the model (no compiled dependency). As in MMSeg 0.28's table,
one multiply-add counts as one FLOP.

    python tools/get_flops.py CONFIG [--shape H W] [--depth 2]
"""
import argparse
import warnings

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.print_helper import complexity_stats_table

from mmseg.models import build_segmentor
from mmseg.utils.cli import add_cfg_options, load_config, run_cli


class _Logits(torch.nn.Module):
    """The segmentor's ``forward_dummy`` as a plain forward for tracing."""

    def __init__(self, segmentor: torch.nn.Module):
        super().__init__()
        self.segmentor = segmentor

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        return self.segmentor.forward_dummy(img)


def count(model: torch.nn.Module, shape, depth: int) -> dict:
    """Total FLOPs and parameters, and the per-module table."""
    img = torch.zeros(1, 3, *shape)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter('ignore')  # tracer warnings
        analyzer = FlopAnalyzer(_Logits(model), (img, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        total = analyzer.total()
        table = complexity_stats_table(analyzer, max_depth=depth + 1,
                                       show_param_shapes=False)
    return dict(flops=total, table=table.replace('segmentor.', ''),
                params=sum(p.numel() for p in model.parameters()))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--shape', type=int, nargs=2, default=[512, 1024],
                        help='input height and width')
    parser.add_argument('--depth', type=int, default=2,
                        help='module nesting shown in the table')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options + args.options)
    cfg.model.pretrained = None
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN -> BN on CPU
        model = build_segmentor(cfg.model).eval()
    result = count(model, args.shape, args.depth)
    print(result['table'])
    print(f'input 3x{args.shape[0]}x{args.shape[1]}: '
          f'{result["flops"] / 1e9:.2f} GFLOPs, '
          f'{result["params"] / 1e6:.3f} M parameters')
    return result


if __name__ == '__main__':
    run_cli(main)
