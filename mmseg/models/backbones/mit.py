"""Mix Transformer (MiT), the SegFormer backbone, with 0.28 key names."""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmcv.cnn.bricks.drop import build_dropout
from mmengine.model import BaseModule, ModuleList, Sequential
from mmengine.model.weight_init import (
    constant_init,
    normal_init,
    trunc_normal_init,
)

from mmseg.registry import MODELS

from ..utils import PatchEmbed, nchw_to_nlc, nlc_to_nchw
from ..utils.pretrained import pretrained_init_cfg
from .vit import MultiheadAttention

HWShape = Tuple[int, int]


class MixFFN(BaseModule):
    """Feed-forward block whose depth-wise 3x3 conv encodes positions.

    ``layers``: 1x1 conv, depth-wise 3x3 conv, activation, dropout, 1x1
    conv, dropout.

    Args:
        embed_dims: Channels of the tokens.
        feedforward_channels: Hidden channels.
        act_cfg: Activation config.
        ffn_drop: Dropout probability inside ``layers``.
        dropout_layer: Config of the layer (e.g. ``DropPath``) applied to
            the output before the shortcut is added.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 feedforward_channels: int,
                 act_cfg: dict = dict(type='GELU'),
                 ffn_drop: float = 0.,
                 dropout_layer: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.embed_dims = embed_dims
        self.feedforward_channels = feedforward_channels
        hidden = feedforward_channels
        self.layers = Sequential(
            nn.Conv2d(embed_dims, hidden, 1),
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden),
            build_activation_layer(act_cfg),
            nn.Dropout(ffn_drop),
            nn.Conv2d(hidden, embed_dims, 1),
            nn.Dropout(ffn_drop))
        self.dropout_layer = build_dropout(dropout_layer) if dropout_layer \
            else nn.Identity()

    def forward(self, x: torch.Tensor, hw_shape: HWShape,
                identity: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``identity`` (``x`` if None) plus the block's output for ``x``."""
        identity = x if identity is None else identity
        out = nchw_to_nlc(self.layers(nlc_to_nchw(x, hw_shape)))
        return identity + self.dropout_layer(out)


class EfficientMultiheadAttention(MultiheadAttention):
    """Multi-head attention over spatially reduced keys and values.

    With ``sr_ratio > 1`` keys and values come from a strided
    ``sr_ratio x sr_ratio`` conv (``sr``) of the tokens, then ``norm``.
    Tokens are batch first, (N, L, C).

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        attn_drop: Dropout on the attention weights.
        proj_drop: Dropout on the attention output.
        dropout_layer: Config of the layer (e.g. ``DropPath``) applied to
            the output before the shortcut is added.
        qkv_bias: Biases in the input projections.
        norm_cfg: Norm after the spatial reduction.
        sr_ratio: Spatial reduction ratio.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 attn_drop: float = 0.,
                 proj_drop: float = 0.,
                 dropout_layer: Optional[dict] = None,
                 qkv_bias: bool = False,
                 norm_cfg: dict = dict(type='LN'),
                 sr_ratio: int = 1,
                 init_cfg=None):
        # mmcv keeps ``batch_first`` to itself: torch's module inside
        # (``attn``) stays sequence first, so forward() transposes
        super().__init__(embed_dims, num_heads, attn_drop, proj_drop,
                         dropout_layer=dropout_layer, init_cfg=init_cfg,
                         batch_first=True, bias=qkv_bias)
        self.sr_ratio = sr_ratio
        if sr_ratio > 1:
            self.sr = nn.Conv2d(embed_dims, embed_dims, sr_ratio,
                                stride=sr_ratio)
            self.norm = build_norm_layer(norm_cfg, embed_dims)[1]

    def forward(self, x: torch.Tensor, hw_shape: HWShape,
                identity: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``identity`` (``x`` if None) plus the attention output for ``x``."""
        identity = x if identity is None else identity
        x_kv = x
        if self.sr_ratio > 1:
            x_kv = self.norm(nchw_to_nlc(self.sr(nlc_to_nchw(x, hw_shape))))
        query, x_kv = x.transpose(0, 1), x_kv.transpose(0, 1)
        # without the (unused) weights PyTorch takes its fused kernel
        out = self.attn(query=query, key=x_kv, value=x_kv,
                        need_weights=False)[0].transpose(0, 1)
        return identity + self.dropout_layer(self.proj_drop(out))


class TransformerEncoderLayer(BaseModule):
    """Pre-norm MiT block: efficient attention, then Mix-FFN.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the FFN.
        drop_rate: Dropout after the attention and inside the FFN.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Stochastic depth of both residual branches.
        qkv_bias: Biases in the attention's input projections.
        act_cfg: Activation of the FFN.
        norm_cfg: Norm config.
        sr_ratio: Spatial reduction ratio of the attention.
        with_cp: Recompute the block in the backward pass (saves memory).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feedforward_channels: int,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 qkv_bias: bool = True,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 sr_ratio: int = 1,
                 with_cp: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg)
        drop_path = dict(type='DropPath', drop_prob=drop_path_rate)
        self.norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.attn = EfficientMultiheadAttention(
            embed_dims, num_heads, attn_drop=attn_drop_rate,
            proj_drop=drop_rate, dropout_layer=drop_path, qkv_bias=qkv_bias,
            norm_cfg=norm_cfg, sr_ratio=sr_ratio)
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.ffn = MixFFN(embed_dims, feedforward_channels, act_cfg=act_cfg,
                          ffn_drop=drop_rate, dropout_layer=drop_path)
        self.with_cp = with_cp

    def _forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        x = self.attn(self.norm1(x), hw_shape, identity=x)
        return self.ffn(self.norm2(x), hw_shape, identity=x)

    def forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(self._forward, x, hw_shape,
                                 use_reentrant=False)
        return self._forward(x, hw_shape)


@MODELS.register_module()
class MixVisionTransformer(BaseModule):
    """Mix Transformer backbone of SegFormer (arXiv:2105.15203).

    Stage ``i`` (``layers.i``) is an overlapping patch embedding, its
    transformer blocks and a norm; stage ``i`` has
    ``embed_dims * num_heads[i]`` channels.

    Args:
        in_channels: Channels of the input image.
        embed_dims: Channels per attention head.
        num_stages: Number of stages.
        num_layers: Blocks per stage.
        num_heads: Attention heads per stage.
        patch_sizes: Patch embedding kernel per stage.
        strides: Patch embedding stride per stage.
        sr_ratios: Attention spatial reduction per stage.
        out_indices: Stages whose (N, C, H, W) maps are returned.
        mlp_ratio: FFN hidden channels over token channels.
        qkv_bias: Biases in the attention's input projections.
        drop_rate: Dropout after attention and inside the FFNs.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth, rising linearly from 0 over all
            blocks to this value.
        act_cfg: Activation of the FFNs.
        norm_cfg: Norm config.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config; ``None`` gives the SegFormer
            initialisation.
        with_cp: Recompute blocks in the backward pass (saves memory).
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: int = 64,
                 num_stages: int = 4,
                 num_layers: Sequence[int] = [3, 4, 6, 3],
                 num_heads: Sequence[int] = [1, 2, 4, 8],
                 patch_sizes: Sequence[int] = [7, 3, 3, 3],
                 strides: Sequence[int] = [4, 2, 2, 2],
                 sr_ratios: Sequence[int] = [8, 4, 2, 1],
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 mlp_ratio: int = 4,
                 qkv_bias: bool = True,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN', eps=1e-6),
                 pretrained: Optional[str] = None,
                 init_cfg=None,
                 with_cp: bool = False):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg))
        per_stage = (num_layers, num_heads, patch_sizes, strides, sr_ratios)
        assert all(len(seq) == num_stages for seq in per_stage), \
            'num_layers, num_heads, patch_sizes, strides and sr_ratios ' \
            f'need one entry per stage ({num_stages})'
        assert max(out_indices) < num_stages
        self.embed_dims = embed_dims
        self.num_stages = num_stages
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.patch_sizes = patch_sizes
        self.strides = strides
        self.sr_ratios = sr_ratios
        self.out_indices = out_indices
        self.with_cp = with_cp

        # on the CPU: the rates are read while building, also on 'meta'
        drop_path_rates = torch.linspace(0, drop_path_rate, sum(num_layers),
                                         device='cpu').tolist()
        self.layers = ModuleList()
        for i, num_layer in enumerate(num_layers):
            dims = embed_dims * num_heads[i]
            patch_embed = PatchEmbed(in_channels, dims,
                                     kernel_size=patch_sizes[i],
                                     stride=strides[i],
                                     padding=patch_sizes[i] // 2,
                                     norm_cfg=norm_cfg)
            first = sum(num_layers[:i])
            blocks = ModuleList(
                TransformerEncoderLayer(
                    dims, num_heads[i], mlp_ratio * dims,
                    drop_rate=drop_rate, attn_drop_rate=attn_drop_rate,
                    drop_path_rate=drop_path_rates[first + j],
                    qkv_bias=qkv_bias, act_cfg=act_cfg, norm_cfg=norm_cfg,
                    sr_ratio=sr_ratios[i], with_cp=with_cp)
                for j in range(num_layer))
            norm = build_norm_layer(norm_cfg, dims)[1]
            self.layers.append(ModuleList([patch_embed, blocks, norm]))
            in_channels = dims

    def init_weights(self) -> None:
        """SegFormer's initialisation unless ``init_cfg`` is given.

        Linear layers: truncated normal (std 0.02); LayerNorms: 1 and 0;
        convs: normal with std sqrt(2 / fan_out), fan_out per group.
        """
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_init(m, std=.02, bias=0.)
            elif isinstance(m, nn.LayerNorm):
                constant_init(m, val=1.0, bias=0.)
            elif isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * \
                    m.out_channels // m.groups
                normal_init(m, mean=0, std=math.sqrt(2.0 / fan_out), bias=0)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        outs = []
        for i, (patch_embed, blocks, norm) in enumerate(self.layers):
            x, hw_shape = patch_embed(x)
            for block in blocks:
                x = block(x, hw_shape)
            x = nlc_to_nchw(norm(x), hw_shape)
            if i in self.out_indices:
                outs.append(x)
        return outs
