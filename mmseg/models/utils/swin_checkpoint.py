"""Official Swin Transformer checkpoints (microsoft/Swin-Transformer) in
this toolbox's keys, as 0.28's ``tools/model_converters/swin2mmseg.py``
converts them."""
from collections import OrderedDict
from typing import Dict

import torch

# official unfold order of a 2x2 group: (0,0), (1,0), (0,1), (1,1);
# nn.Unfold's: (0,0), (0,1), (1,0), (1,1)
_UNFOLD_ORDER = [0, 2, 1, 3]


def is_official_swin(state_dict: Dict[str, torch.Tensor]) -> bool:
    """Whether the keys are the official repository's (``layers.*``,
    ``patch_embed.proj.*``)."""
    return any(k.startswith('layers.') for k in state_dict) or \
        any(k.startswith('patch_embed.proj.') for k in state_dict)


def _merging_reduction(weight: torch.Tensor) -> torch.Tensor:
    out_channels, in_channels = weight.shape
    weight = weight.reshape(out_channels, 4, in_channels // 4)
    return weight[:, _UNFOLD_ORDER].transpose(1, 2).reshape(
        out_channels, in_channels)


def _merging_norm(param: torch.Tensor) -> torch.Tensor:
    return param.reshape(4, -1)[_UNFOLD_ORDER].transpose(0, 1).reshape(-1)


def _convert_key(key: str) -> str:
    if key.startswith('patch_embed.proj.'):
        return key.replace('patch_embed.proj.', 'patch_embed.projection.')
    if not key.startswith('layers.'):
        return key
    key = 'stages.' + key[len('layers.'):]
    for old, new in (('.attn.', '.attn.w_msa.'),
                     ('.mlp.fc1.', '.ffn.layers.0.0.'),
                     ('.mlp.fc2.', '.ffn.layers.1.')):
        key = key.replace(old, new)
    return key


def convert_official_swin(
        state_dict: Dict[str, torch.Tensor]) -> 'OrderedDict':
    """Rename official keys and reorder the patch-merging weights.

    The classifier (``head.*``) is dropped; ``attn_mask`` buffers of the
    official model are dropped (masks are computed on the fly here).
    """
    converted = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('head.') or key.endswith('attn_mask'):
            continue
        if key.startswith('layers.') and '.downsample.' in key:
            if '.reduction.' in key:
                value = _merging_reduction(value)
            elif '.norm.' in key:
                value = _merging_norm(value)
        converted[_convert_key(key)] = value
    return converted
