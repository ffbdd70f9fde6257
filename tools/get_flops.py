"""Parameters and FLOPs of a segmentor, in total and per module.

Counts ``forward_dummy`` (whole-image logits) with mmengine's analyser,
which traces the model (no compiled dependency). As in MMSeg 0.28's table,
one multiply-add counts as one FLOP. CAC's training branches (projection,
confidence) are listed with their parameters; they do not run at inference,
so they have no FLOPs, which a note below the table says.

    python tools/get_flops.py CONFIG [--shape H W] [--depth 2]
"""
import argparse
import warnings
from typing import List

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.print_helper import complexity_stats_table

from mmseg.cli import add_cfg_options, load_config, run_cli
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import cac_branch_keys


def cac_branches(model: torch.nn.Module) -> List[str]:
    """Names of the CAC training branches (projection, confidence) of
    ``model``, outermost modules only."""
    modules = dict(model.named_modules())

    def is_branch(name: str) -> bool:
        """Every state-dict key of the module is a CAC branch key."""
        keys = [f'{name}.{k}' for k in modules[name].state_dict()]
        return bool(name) and bool(keys) and \
            len(cac_branch_keys(keys)) == len(keys)

    return [name for name in modules
            if is_branch(name) and not is_branch(name.rpartition('.')[0])]


def count(model: torch.nn.Module, shape, depth: int) -> dict:
    """Total FLOPs and parameters, the per-module table and the CAC
    branches (name -> parameters, FLOPs)."""
    img = torch.zeros(1, 3, *shape)
    # traced as the model itself, so the table's names are the model's
    model.forward = model.forward_dummy
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter('ignore')  # tracer warnings
            analyzer = FlopAnalyzer(model, (img, ))
            analyzer.unsupported_ops_warnings(False)
            analyzer.uncalled_modules_warnings(False)
            total = analyzer.total()
            by_module = analyzer.by_module()
            table = complexity_stats_table(analyzer, max_depth=depth,
                                           show_param_shapes=False)
    finally:
        del model.forward
    modules = dict(model.named_modules())
    branches = {
        name: (sum(p.numel() for p in modules[name].parameters()),
               by_module.get(name, 0))
        for name in cac_branches(model)}
    return dict(flops=total, table=table, branches=branches,
                params=sum(p.numel() for p in model.parameters()))


def cac_note(result: dict) -> str:
    """The note on the CAC branches of ``count``'s result ('' if none)."""
    if not result['branches']:
        return ''
    params = sum(p for p, _ in result['branches'].values())
    flops = sum(f for _, f in result['branches'].values())
    return (f'note: CAC\'s training branches '
            f'({", ".join(result["branches"])}: {params / 1e6:.3f} M '
            f'parameters, {flops} FLOPs counted) are not run at inference, '
            'so they cost nothing there; without them the model has '
            f'{(result["params"] - params) / 1e6:.3f} M parameters '
            '(tools/model_converters/strip_cac.py removes them)')


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
    note = cac_note(result)
    if note:
        print(note)
    return result


if __name__ == '__main__':
    run_cli(main)
