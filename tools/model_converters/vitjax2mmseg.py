"""Convert an official JAX ViT .npz (the original and AugReg releases) to
this toolbox's VisionTransformer keys.

    python tools/model_converters/vitjax2mmseg.py SRC.npz DST

The number of layers is read from the file; the classifier (``head/*``,
``pre_logits/*``) is left out.
"""
import argparse
import os.path as osp
import re
from typing import Dict

import numpy as np
import torch

from mmseg.cli import UsageError, run_cli
from mmseg.utils.converter_io import write_state_dict

ATTN = 'MultiHeadDotProductAttention_1'


def num_blocks(jax_weights: Dict[str, torch.Tensor]) -> int:
    """How many ``Transformer/encoderblock_N`` the file holds."""
    indices = {int(m.group(1)) for k in jax_weights
               for m in [re.match(r'Transformer/encoderblock_(\d+)/', k)] if m}
    if not indices:
        raise UsageError('no Transformer/encoderblock_N weights found: is '
                         'it an official JAX ViT .npz?')
    return max(indices) + 1


def linear(kernel: torch.Tensor) -> torch.Tensor:
    """A Flax (in, out) kernel as a torch (out, in) weight."""
    return kernel.t()


def vit_jax_to_torch(jax_weights: Dict[str, torch.Tensor]) -> dict:
    """Our state dict from the arrays of a JAX ViT .npz."""
    w = jax_weights
    out = {
        # Flax convs are (kh, kw, in, out)
        'patch_embed.projection.weight':
        w['embedding/kernel'].permute(3, 2, 0, 1),
        'patch_embed.projection.bias': w['embedding/bias'],
        'pos_embed': w['Transformer/posembed_input/pos_embedding'],
        'cls_token': w['cls'],
        'ln1.weight': w['Transformer/encoder_norm/scale'],
        'ln1.bias': w['Transformer/encoder_norm/bias'],
    }
    for i in range(num_blocks(w)):
        src, dst = f'Transformer/encoderblock_{i}/', f'layers.{i}.'
        attn = src + ATTN + '/'
        # q, k, v kernels are (embed, heads, head_dims), biases
        # (heads, head_dims); torch wants them stacked q-k-v, output major
        qkv = [w[f'{attn}{name}/kernel'].flatten(1)
               for name in ('query', 'key', 'value')]
        qkv_bias = [w[f'{attn}{name}/bias'].flatten()
                    for name in ('query', 'key', 'value')]
        out.update({
            dst + 'ln1.weight': w[src + 'LayerNorm_0/scale'],
            dst + 'ln1.bias': w[src + 'LayerNorm_0/bias'],
            dst + 'attn.attn.in_proj_weight': torch.cat(qkv, 1).t(),
            dst + 'attn.attn.in_proj_bias': torch.cat(qkv_bias),
            # (heads, head_dims, embed)
            dst + 'attn.attn.out_proj.weight':
            linear(w[attn + 'out/kernel'].flatten(0, 1)),
            dst + 'attn.attn.out_proj.bias': w[attn + 'out/bias'],
            dst + 'ln2.weight': w[src + 'LayerNorm_2/scale'],
            dst + 'ln2.bias': w[src + 'LayerNorm_2/bias'],
            dst + 'ffn.layers.0.0.weight':
            linear(w[src + 'MlpBlock_3/Dense_0/kernel']),
            dst + 'ffn.layers.0.0.bias': w[src + 'MlpBlock_3/Dense_0/bias'],
            dst + 'ffn.layers.1.weight':
            linear(w[src + 'MlpBlock_3/Dense_1/kernel']),
            dst + 'ffn.layers.1.bias': w[src + 'MlpBlock_3/Dense_1/bias'],
        })
    return {k: v.contiguous() for k, v in out.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='JAX ViT .npz')
    parser.add_argument('dst', help='output file')
    args = parser.parse_args(argv)
    if not osp.isfile(args.src):
        raise UsageError(f'{args.src} not found')
    with np.load(args.src) as arrays:
        jax_weights = {k: torch.from_numpy(arrays[k]) for k in arrays.files}
    try:
        weights = vit_jax_to_torch(jax_weights)
    except KeyError as err:
        raise UsageError(f'{args.src} lacks {err}: is it an official JAX '
                         'ViT .npz?') from None
    write_state_dict(weights, args.dst)
    print(f'converted {len(weights)} tensors; wrote {args.dst}')


if __name__ == '__main__':
    run_cli(main)
