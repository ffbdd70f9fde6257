"""Official SegFormer (NVlabs) MiT weights to ``MixVisionTransformer`` keys.

    python tools/model_converters/mit2mmseg.py SRC DST
"""
from collections import OrderedDict

from mmseg.cli import run_cli
from mmseg.utils.converter_io import StateDict, converter_main, fused_q_kv

# MixFFN: Linear fc1 / fc2 become 1x1 convs at ffn.layers.0 / .4
_FFN = {'mlp.fc1.': 'ffn.layers.0.', 'mlp.dwconv.dwconv.': 'ffn.layers.1.',
        'mlp.fc2.': 'ffn.layers.4.'}
_SLOTS = (('patch_embed', 0), ('block', 1), ('norm', 2))


def _stage_key(key: str) -> str:
    """``patch_embed{i}`` / ``block{i}`` / ``norm{i}`` -> ``layers.{i-1}.0``
    / ``.1`` / ``.2``."""
    first = key.split('.')[0]
    for prefix, slot in _SLOTS:
        if first.startswith(prefix) and first[len(prefix):].isdigit():
            stage = int(first[len(prefix):]) - 1
            return f'layers.{stage}.{slot}' + key[len(first):]
    return key


def convert_mit(state_dict: StateDict) -> 'OrderedDict':
    """Stage prefixes renamed, q and kv fused into ``in_proj``, MLP
    linears as 1x1 convs, the classifier (``head``) dropped."""
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('head') or 'attn.kv.' in key:
            continue
        new = _stage_key(key)
        if key.startswith('patch_embed'):
            new = new.replace('.proj.', '.projection.')
        elif key.startswith('block'):
            if 'attn.q.' in key:
                value = fused_q_kv(state_dict, key)
                new = new.replace('attn.q.', 'attn.attn.in_proj_')
            elif 'attn.proj.' in key:
                new = new.replace('attn.proj.', 'attn.attn.out_proj.')
            for old, replacement in _FFN.items():
                if old in new:
                    if old != 'mlp.dwconv.dwconv.' and key.endswith('weight'):
                        value = value.reshape(*value.shape, 1, 1)
                    new = new.replace(old, replacement)
        out[new] = value
    return out


def main(argv=None) -> None:
    converter_main(__doc__.splitlines()[0], convert_mit, argv)


if __name__ == '__main__':
    run_cli(main)
