"""Convert a timm or DeiT ViT checkpoint to this toolbox's VisionTransformer
keys (``pretrained=`` of the vit, setr and dpt configs).

    python tools/model_converters/vit2mmseg.py SRC DST

The classifier (``head.*``, ``head_dist.*``, ``pre_logits.*``) is left out.
"""
import argparse
from collections import OrderedDict

from mmseg.cli import UsageError, run_cli
from mmseg.utils.converter_io import read_state_dict, write_state_dict

CLASSIFIER = ('head.', 'head_dist.', 'pre_logits.')
# timm's names inside a block, in ours
BLOCK_NAMES = (('norm1.', 'ln1.'), ('norm2.', 'ln2.'),
               ('mlp.fc1.', 'ffn.layers.0.0.'), ('mlp.fc2.', 'ffn.layers.1.'),
               ('attn.qkv.', 'attn.attn.in_proj_'),
               ('attn.proj.', 'attn.attn.out_proj.'))


def convert_key(key: str) -> str:
    """Our name for a timm ViT key."""
    if key.startswith('norm.'):
        return 'ln1.' + key[len('norm.'):]
    if key.startswith('patch_embed.proj.'):
        return 'patch_embed.projection.' + key[len('patch_embed.proj.'):]
    if key.startswith('blocks.'):
        _, index, rest = key.split('.', 2)
        for old, new in BLOCK_NAMES:
            if rest.startswith(old):
                rest = new + rest[len(old):]
                break
        return f'layers.{index}.{rest}'
    return key


def convert_vit(state: dict) -> 'OrderedDict':
    """The backbone weights of a timm state dict in our keys.

    Raises:
        UsageError: The state dict has no ViT blocks.
    """
    if not any(k.startswith('blocks.') for k in state):
        raise UsageError('no timm ViT weights (blocks.N.*) found: is it a '
                         'timm or DeiT ViT checkpoint?')
    return OrderedDict((convert_key(k), v) for k, v in state.items()
                       if not k.startswith(CLASSIFIER))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='timm/DeiT checkpoint path or URL')
    parser.add_argument('dst', help='output file')
    args = parser.parse_args(argv)
    weights = convert_vit(read_state_dict(args.src))
    write_state_dict(weights, args.dst)
    print(f'converted {len(weights)} tensors; wrote {args.dst}')


if __name__ == '__main__':
    run_cli(main)
