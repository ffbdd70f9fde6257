"""Official BEiT (microsoft/unilm) weights to this toolbox's ``BEiT`` keys.

    python tools/model_converters/beit2mmseg.py SRC DST
"""
from collections import OrderedDict

from mmseg.cli import run_cli
from mmseg.utils.converter_io import StateDict, converter_main


def convert_beit(state_dict: StateDict) -> 'OrderedDict':
    """``blocks.i`` -> ``layers.i`` (norms ``ln1/2``, MLP ``ffn``) and
    ``patch_embed.proj`` -> ``patch_embed.projection``; other keys kept."""
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('blocks'):
            key = key.replace('blocks', 'layers', 1)
            if 'norm' in key:
                key = key.replace('norm', 'ln')
            else:
                key = key.replace('mlp.fc1', 'ffn.layers.0.0').replace(
                    'mlp.fc2', 'ffn.layers.1')
        elif key.startswith('patch_embed'):
            key = key.replace('patch_embed.proj', 'patch_embed.projection')
        out[key] = value
    return out


def main(argv=None) -> None:
    converter_main(__doc__.splitlines()[0], convert_beit, argv)


if __name__ == '__main__':
    run_cli(main)
