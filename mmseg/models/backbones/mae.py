"""MAE (arXiv:2111.06377) fine-tuning backbone: BEiT blocks with full
query/key/value biases and an absolute position embedding."""
import math
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .beit import BEiT, BEiTAttention, BEiTTransformerEncoderLayer, StateDict


class MAEAttention(BEiTAttention):
    """``BEiTAttention`` whose relative position bias starts at zero."""

    def init_weights(self) -> None:
        """The bias table stays zero (as MAE fine-tuning starts)."""


class MAETransformerEncoderLayer(BEiTTransformerEncoderLayer):
    """``BEiTTransformerEncoderLayer`` with ``MAEAttention``."""

    attention_cls = MAEAttention


@MODELS.register_module()
class MAE(BEiT):
    """MAE backbone: ``BEiT`` with biases on query, key and value and a
    learnt absolute position embedding (``pos_embed``, class token
    included) added before the blocks.

    Args:
        img_size: Input size (int or (h, w)).
        patch_size: Patch side.
        in_channels: Channels of the input image.
        embed_dims: Channels of the tokens.
        num_layers: Blocks.
        num_heads: Attention heads.
        mlp_ratio: FFN hidden channels over token channels.
        out_indices: Blocks whose (N, C, H, W) maps are returned (-1: the
            last).
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth, rising linearly to this value.
        norm_cfg: Norm config.
        act_cfg: Activation of the FFNs.
        patch_norm: Norm in the patch embedding.
        final_norm: Norm (``ln1``) after the last block.
        num_fcs: Linear layers per FFN.
        norm_eval: Keep LayerNorms in eval mode while training.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_values: Initial layer scale.
        init_cfg: Initialisation config.
    """

    layer_cls = MAETransformerEncoderLayer

    def __init__(self,
                 img_size=224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: int = 4,
                 out_indices=-1,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN'),
                 act_cfg: dict = dict(type='GELU'),
                 patch_norm: bool = False,
                 final_norm: bool = False,
                 num_fcs: int = 2,
                 norm_eval: bool = False,
                 pretrained=None,
                 init_values: float = 0.1,
                 init_cfg=None):
        super().__init__(
            img_size=img_size, patch_size=patch_size,
            in_channels=in_channels, embed_dims=embed_dims,
            num_layers=num_layers, num_heads=num_heads, mlp_ratio=mlp_ratio,
            out_indices=out_indices, qv_bias=False,
            attn_drop_rate=attn_drop_rate, drop_path_rate=drop_path_rate,
            norm_cfg=norm_cfg, act_cfg=act_cfg, patch_norm=patch_norm,
            final_norm=final_norm, num_fcs=num_fcs, norm_eval=norm_eval,
            pretrained=pretrained, init_values=init_values,
            init_cfg=init_cfg)
        self.num_patches = self.patch_shape[0] * self.patch_shape[1]
        self.pos_embed = nn.Parameter(
            torch.zeros(1, self.num_patches + 1, embed_dims))

    @staticmethod
    def _attention_bias(qv_bias: bool) -> bool:
        # MAE's blocks always have all three biases
        return True

    def _rescale_init(self) -> None:
        """Output projections of block ``i`` (1-based) divided by
        ``sqrt(2 i)``."""
        with torch.no_grad():
            for i, layer in enumerate(self.layers, start=1):
                layer.attn.proj.weight.div_(math.sqrt(2.0 * i))
                layer.ffn.layers[1].weight.div_(math.sqrt(2.0 * i))

    def adapt_state_dict(self, checkpoint: dict) -> StateDict:
        """Bias tables and ``pos_embed`` resized to this model."""
        return self.resize_abs_pos_embed(self.resize_rel_pos_embed(checkpoint))

    def resize_abs_pos_embed(self, state_dict: StateDict) -> StateDict:
        """``pos_embed`` resized (bicubic) to this model's token grid."""
        if 'pos_embed' not in state_dict:
            return state_dict
        pos_embed = state_dict['pos_embed']
        extra = self.pos_embed.shape[-2] - self.num_patches
        old = int((pos_embed.shape[-2] - extra)**0.5)
        new = int(self.num_patches**0.5)
        if old != new:
            channels = pos_embed.shape[-1]
            grid = pos_embed[:, extra:].reshape(-1, old, old,
                                                channels).permute(0, 3, 1, 2)
            grid = F.interpolate(grid, size=(new, new), mode='bicubic',
                                 align_corners=False)
            state_dict['pos_embed'] = torch.cat(
                (pos_embed[:, :extra], grid.permute(0, 2, 3, 1).flatten(1, 2)),
                dim=1)
        return state_dict

    def _embed(self, x: torch.Tensor) -> Tuple[torch.Tensor, tuple]:
        x, hw_shape = super()._embed(x)
        return x + self.pos_embed, hw_shape
