"""Reading and writing of the checkpoint converters in
``tools/model_converters`` (0.28's ``*2mmseg.py`` command lines)."""
import argparse
import os
import os.path as osp
from collections import OrderedDict
from typing import Callable, Dict, List, Optional

import torch
from mmengine.runner.checkpoint import CheckpointLoader

StateDict = Dict[str, torch.Tensor]


def read_state_dict(src: str) -> StateDict:
    """The weights of a checkpoint (path or URL): its ``state_dict``, its
    ``model`` entry, or the file itself, as 0.28's converters read them."""
    checkpoint = CheckpointLoader.load_checkpoint(src, map_location='cpu')
    for key in ('state_dict', 'model'):
        if key in checkpoint:
            return checkpoint[key]
    return checkpoint


def fused_q_kv(state_dict: StateDict, q_key: str) -> torch.Tensor:
    """The ``attn.q.`` tensor ``q_key`` and its ``attn.kv.`` partner
    stacked, as the ``in_proj_`` tensor of torch's attention."""
    return torch.cat(
        [state_dict[q_key], state_dict[q_key.replace('attn.q.', 'attn.kv.')]])


def write_state_dict(weights: 'OrderedDict', dst: str) -> None:
    """Save converted weights (a bare state dict, as 0.28 wrote them)."""
    if osp.dirname(dst):
        os.makedirs(osp.dirname(dst), exist_ok=True)
    torch.save(weights, dst)


def converter_main(description: str, convert: Callable[..., StateDict],
                   argv: Optional[List[str]] = None,
                   extra: Optional[dict] = None) -> None:
    """``src dst [extra...]``: read ``src``, ``convert(state_dict,
    *extra)``, write ``dst``.

    Args:
        description: Help text.
        convert: The key conversion.
        argv: Command line (default ``sys.argv``).
        extra: Further positional arguments, name -> (help, choices).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('src', help='official checkpoint (path or URL)')
    parser.add_argument('dst', help='output path')
    for name, (help_text, choices) in (extra or {}).items():
        parser.add_argument(name, help=help_text, choices=choices)
    args = parser.parse_args(argv)
    weights = convert(read_state_dict(args.src),
                      *(getattr(args, name) for name in extra or {}))
    write_state_dict(weights, args.dst)
    print(f'converted {len(weights)} tensors; wrote {args.dst}')
