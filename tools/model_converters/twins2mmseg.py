"""Official Twins (Meituan-AutoML) weights to ``PCPVT`` / ``SVT`` keys.

    python tools/model_converters/twins2mmseg.py SRC DST {pcpvt,svt}
"""
from collections import OrderedDict

from mmseg.cli import run_cli
from mmseg.utils.converter_io import StateDict, converter_main, fused_q_kv


def _block_key(key: str, model: str) -> str:
    if 'mlp.fc1' in key:
        return key.replace('mlp.fc1', 'ffn.layers.0.0')
    if 'mlp.fc2' in key:
        return key.replace('mlp.fc2', 'ffn.layers.1')
    if 'attn.proj.' in key:
        # SVT's even blocks are LSA, which keeps its own ``proj``
        block = int(key.split('.')[2])
        if model == 'pcpvt' or block % 2 == 1:
            return key.replace('attn.proj.', 'attn.attn.out_proj.')
    return key


def convert_twins(state_dict: StateDict, model: str) -> 'OrderedDict':
    """``blocks`` -> ``layers`` (GSA q and kv fused into ``in_proj``),
    ``pos_block`` -> ``position_encodings``, ``patch_embeds.*.proj`` ->
    ``projection``; the classifier (``head``) dropped.

    Args:
        state_dict: Official weights.
        model: 'pcpvt' or 'svt'.
    """
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('head') or 'attn.kv.' in key:
            continue
        if key.startswith('patch_embeds'):
            key = key.replace('proj.', 'projection.')
        elif key.startswith('blocks'):
            if 'attn.q.' in key:
                value = fused_q_kv(state_dict, key)
                key = key.replace('attn.q.', 'attn.attn.in_proj_')
            else:
                key = _block_key(key, model)
            key = key.replace('blocks.', 'layers.', 1)
        elif key.startswith('pos_block'):
            key = key.replace('pos_block', 'position_encodings', 1).replace(
                'proj.0.', 'proj.')
        out[key] = value
    return out


def main(argv=None) -> None:
    converter_main(__doc__.splitlines()[0], convert_twins, argv,
                   dict(model=('model: pcpvt or svt', ['pcpvt', 'svt'])))


if __name__ == '__main__':
    run_cli(main)
