"""Twins (arXiv:2104.13840) backbones PCPVT and SVT, with 0.28 key names."""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks.drop import build_dropout
from mmengine.model import BaseModule, ModuleList
from mmengine.model.weight_init import (
    constant_init,
    normal_init,
    trunc_normal_init,
)
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..utils import PatchEmbed
from ..utils.pretrained import pretrained_init_cfg
from .mit import EfficientMultiheadAttention
from .vit import FFN

HWShape = Tuple[int, int]


class GlobalSubsampledAttention(EfficientMultiheadAttention):
    """Global sub-sampled attention (GSA): MiT's attention over keys and
    values from an ``sr_ratio``-strided conv of the tokens.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        attn_drop: Dropout on the attention weights.
        proj_drop: Dropout on the output.
        dropout_layer: Config of the layer applied to the output.
        batch_first: Tokens are (N, L, C); only True is supported.
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
                 batch_first: bool = True,
                 qkv_bias: bool = True,
                 norm_cfg: dict = dict(type='LN'),
                 sr_ratio: int = 1,
                 init_cfg=None):
        if not batch_first:
            raise InvalidArgumentError(
                'GlobalSubsampledAttention: batch_first=False is not '
                'supported; tokens are (N, L, C)')
        super().__init__(embed_dims, num_heads, attn_drop, proj_drop,
                         dropout_layer=dropout_layer, qkv_bias=qkv_bias,
                         norm_cfg=norm_cfg, sr_ratio=sr_ratio,
                         init_cfg=init_cfg)


def _ffn(embed_dims: int, feedforward_channels: int, num_fcs: int,
         drop_rate: float, drop_path_rate: float, act_cfg: dict) -> FFN:
    return FFN(embed_dims=embed_dims,
               feedforward_channels=feedforward_channels, num_fcs=num_fcs,
               ffn_drop=drop_rate,
               dropout_layer=dict(type='DropPath', drop_prob=drop_path_rate),
               act_cfg=act_cfg, add_identity=False)


def _drop_path(drop_path_rate: float) -> nn.Module:
    return build_dropout(dict(type='DropPath', drop_prob=drop_path_rate)) \
        if drop_path_rate > 0. else nn.Identity()


class GSAEncoderLayer(BaseModule):
    """Pre-norm block of global sub-sampled attention and an FFN.

    As in 0.28, stochastic depth applies twice per branch (inside the
    attention / FFN and around it), so checkpoints train alike.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the FFN.
        drop_rate: Dropout after the attention and inside the FFN.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Stochastic depth.
        num_fcs: Linear layers of the FFN.
        qkv_bias: Biases in the attention's input projections.
        act_cfg: Activation of the FFN.
        norm_cfg: Norm config.
        sr_ratio: Spatial reduction of the attention.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feedforward_channels: int,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 num_fcs: int = 2,
                 qkv_bias: bool = True,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 sr_ratio: int = 1,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.norm1 = build_norm_layer(norm_cfg, embed_dims, postfix=1)[1]
        self.attn = GlobalSubsampledAttention(
            embed_dims, num_heads, attn_drop=attn_drop_rate,
            proj_drop=drop_rate,
            dropout_layer=dict(type='DropPath', drop_prob=drop_path_rate),
            qkv_bias=qkv_bias, norm_cfg=norm_cfg, sr_ratio=sr_ratio)
        self.norm2 = build_norm_layer(norm_cfg, embed_dims, postfix=2)[1]
        self.ffn = _ffn(embed_dims, feedforward_channels, num_fcs, drop_rate,
                        drop_path_rate, act_cfg)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x), hw_shape,
                                         identity=0.))
        return x + self.drop_path(self.ffn(self.norm2(x)))


class LocallyGroupedSelfAttention(BaseModule):
    """Locally-grouped self-attention (LSA) within non-overlapping
    ``window_size`` windows of the token grid (padded bottom/right).

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        qkv_bias: Biases in the ``qkv`` projection.
        qk_scale: Query scale; ``None`` means ``head_dims ** -0.5``.
        attn_drop_rate: Dropout on the attention weights.
        proj_drop_rate: Dropout on the output.
        window_size: Window side.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int = 8,
                 qkv_bias: bool = False,
                 qk_scale: Optional[float] = None,
                 attn_drop_rate: float = 0.,
                 proj_drop_rate: float = 0.,
                 window_size: int = 1,
                 init_cfg=None):
        super().__init__(init_cfg)
        if embed_dims % num_heads:
            raise InvalidArgumentError(
                f'LocallyGroupedSelfAttention: embed_dims {embed_dims} must '
                f'be divisible by num_heads {num_heads}')
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.scale = qk_scale or (embed_dims // num_heads)**-0.5
        self.qkv = nn.Linear(embed_dims, embed_dims * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop_rate)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.proj_drop = nn.Dropout(proj_drop_rate)
        self.window_size = window_size

    def _padding_mask(self, pad_b: int, pad_r: int, rows: int, cols: int,
                      device: torch.device) -> torch.Tensor:
        """Additive (1, windows, 1, w², w²) mask against padded tokens.

        As in 0.28 (and the original Twins), padding is masked only when
        both the bottom and the right are padded: a zero pad selects the
        whole grid and then marks every token alike.
        """
        size = self.window_size
        mask = torch.zeros((1, rows * size, cols * size), device=device)
        mask[:, -pad_b:, :] = 1
        mask[:, :, -pad_r:] = 1
        mask = mask.reshape(1, rows, size, cols, size).transpose(2, 3)
        mask = mask.reshape(1, rows * cols, size * size)
        pairs = mask.unsqueeze(2) - mask.unsqueeze(3)
        return torch.where(pairs != 0, -1000.0, 0.0).unsqueeze(2)

    def forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        batch, length, channels = x.shape
        height, width = hw_shape
        size = self.window_size
        pad_r = (size - width % size) % size
        pad_b = (size - height % size) % size
        x = F.pad(x.view(batch, height, width, channels),
                  (0, 0, 0, pad_r, 0, pad_b))
        rows, cols = x.shape[1] // size, x.shape[2] // size
        x = x.reshape(batch, rows, size, cols, size, channels).transpose(2, 3)
        qkv = self.qkv(x).reshape(batch, rows * cols, size * size, 3,
                                  self.num_heads, channels // self.num_heads)
        q, k, v = qkv.permute(3, 0, 1, 4, 2, 5)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn + self._padding_mask(pad_b, pad_r, rows, cols, x.device)
        attn = self.attn_drop(attn.softmax(dim=-1))
        x = (attn @ v).transpose(2, 3).reshape(batch, rows, cols, size, size,
                                               channels)
        x = x.transpose(2, 3).reshape(batch, rows * size, cols * size,
                                      channels)
        x = x[:, :height, :width].reshape(batch, length, channels)
        return self.proj_drop(self.proj(x))


class LSAEncoderLayer(BaseModule):
    """Pre-norm block of locally-grouped attention and an FFN.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the FFN.
        drop_rate: Dropout after the attention and inside the FFN.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Stochastic depth.
        num_fcs: Linear layers of the FFN.
        qkv_bias: Biases in the ``qkv`` projection.
        qk_scale: Query scale (``None``: ``head_dims ** -0.5``).
        act_cfg: Activation of the FFN.
        norm_cfg: Norm config.
        window_size: Window side of the attention.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feedforward_channels: int,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 num_fcs: int = 2,
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 window_size: int = 1,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.norm1 = build_norm_layer(norm_cfg, embed_dims, postfix=1)[1]
        self.attn = LocallyGroupedSelfAttention(
            embed_dims, num_heads, qkv_bias, qk_scale, attn_drop_rate,
            drop_rate, window_size)
        self.norm2 = build_norm_layer(norm_cfg, embed_dims, postfix=2)[1]
        self.ffn = _ffn(embed_dims, feedforward_channels, num_fcs, drop_rate,
                        drop_path_rate, act_cfg)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x), hw_shape))
        return x + self.drop_path(self.ffn(self.norm2(x)))


class ConditionalPositionEncoding(BaseModule):
    """Position encoding generator: a depth-wise 3x3 conv of the token
    map (plus the map itself when ``stride`` is 1).

    Args:
        in_channels: Channels of the tokens.
        embed_dims: Output channels.
        stride: Stride of the conv.
        init_cfg: Initialisation config.
    """

    def __init__(self, in_channels: int, embed_dims: int = 768,
                 stride: int = 1, init_cfg=None):
        super().__init__(init_cfg)
        self.proj = nn.Conv2d(in_channels, embed_dims, 3, stride=stride,
                              padding=1, bias=True, groups=embed_dims)
        self.stride = stride

    def forward(self, x: torch.Tensor, hw_shape: HWShape) -> torch.Tensor:
        batch, _, channels = x.shape
        grid = x.transpose(1, 2).view(batch, channels, *hw_shape)
        out = self.proj(grid)
        if self.stride == 1:
            out = out + grid
        return out.flatten(2).transpose(1, 2)


@MODELS.register_module()
class PCPVT(BaseModule):
    """Twins-PCPVT: a pyramid of GSA blocks with a conditional position
    encoding after the first block of each stage.

    Args:
        in_channels: Channels of the input image.
        embed_dims: Channels per stage.
        patch_sizes: Patch embedding kernel per stage.
        strides: Patch embedding stride per stage.
        num_heads: Attention heads per stage.
        mlp_ratios: FFN hidden channels over token channels per stage.
        out_indices: Stages whose (N, C, H, W) maps are returned.
        qkv_bias: Biases in the attention's input projections.
        drop_rate: Dropout of the tokens and inside the blocks.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth, rising linearly over all blocks.
        norm_cfg: Norm of the patch embeddings and after stages.
        depths: Blocks per stage.
        sr_ratios: Attention spatial reduction per stage.
        norm_after_stage: Norm (``norm_list``) after each stage.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: Sequence[int] = [64, 128, 256, 512],
                 patch_sizes: Sequence[int] = [4, 2, 2, 2],
                 strides: Sequence[int] = [4, 2, 2, 2],
                 num_heads: Sequence[int] = [1, 2, 4, 8],
                 mlp_ratios: Sequence[int] = [4, 4, 4, 4],
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 qkv_bias: bool = False,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN'),
                 depths: Sequence[int] = [3, 4, 6, 3],
                 sr_ratios: Sequence[int] = [8, 4, 2, 1],
                 norm_after_stage: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg))
        self.depths = depths
        self.out_indices = out_indices
        self.norm_after_stage = norm_after_stage
        self.patch_embeds = ModuleList(
            PatchEmbed(in_channels if i == 0 else embed_dims[i - 1],
                       embed_dims[i], kernel_size=patch_sizes[i],
                       stride=strides[i], padding='corner',
                       norm_cfg=norm_cfg)
            for i in range(len(depths)))
        self.position_encoding_drops = ModuleList(
            nn.Dropout(p=drop_rate) for _ in depths)
        self.position_encodings = ModuleList(
            ConditionalPositionEncoding(dims, dims) for dims in embed_dims)
        self.drop_path_rates = torch.linspace(0, drop_path_rate, sum(depths),
                                              device='cpu').tolist()
        self.layers = ModuleList(
            ModuleList(
                GSAEncoderLayer(
                    embed_dims[k], num_heads[k], mlp_ratios[k] * embed_dims[k],
                    drop_rate=drop_rate, attn_drop_rate=attn_drop_rate,
                    drop_path_rate=self.drop_path_rates[sum(depths[:k]) + i],
                    qkv_bias=qkv_bias, sr_ratio=sr_ratios[k])
                for i in range(depths[k]))
            for k in range(len(depths)))
        if norm_after_stage:
            self.norm_list = ModuleList(
                build_norm_layer(norm_cfg, dims)[1] for dims in embed_dims)

    def init_weights(self) -> None:
        """The Twins initialisation unless ``init_cfg`` is given:
        truncated-normal linears (std 0.02), unit norms, convs normal with
        std sqrt(2 / fan_out) (fan_out per group)."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_init(m, std=.02, bias=0.)
            elif isinstance(m, (_BatchNorm, nn.GroupNorm, nn.LayerNorm)):
                constant_init(m, val=1.0, bias=0.)
            elif isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * \
                    m.out_channels // m.groups
                normal_init(m, mean=0, std=math.sqrt(2.0 / fan_out), bias=0)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs: List[torch.Tensor] = []
        for i in range(len(self.depths)):
            x, hw_shape = self.patch_embeds[i](x)
            x = self.position_encoding_drops[i](x)
            for j, block in enumerate(self.layers[i]):
                x = block(x, hw_shape)
                if j == 0:
                    x = self.position_encodings[i](x, hw_shape)
            if self.norm_after_stage:
                x = self.norm_list[i](x)
            x = x.reshape(x.shape[0], *hw_shape, -1).permute(0, 3, 1,
                                                             2).contiguous()
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


@MODELS.register_module()
class SVT(PCPVT):
    """Twins-SVT: PCPVT whose even blocks are locally-grouped attention
    (LSA) and odd blocks global sub-sampled attention (GSA).

    Args:
        in_channels: Channels of the input image.
        embed_dims: Channels per stage.
        patch_sizes: Patch embedding kernel per stage.
        strides: Patch embedding stride per stage.
        num_heads: Attention heads per stage.
        mlp_ratios: FFN hidden channels over token channels per stage.
        out_indices: Stages whose (N, C, H, W) maps are returned.
        qkv_bias: Biases in the attention's input projections.
        drop_rate: Dropout of the tokens and inside the blocks.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth, rising linearly over all blocks.
        norm_cfg: Norm of the patch embeddings and after stages.
        depths: Blocks per stage.
        sr_ratios: GSA spatial reduction per stage.
        windiow_sizes: LSA window per stage (0.28's spelling).
        norm_after_stage: Norm (``norm_list``) after each stage.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: Sequence[int] = [64, 128, 256],
                 patch_sizes: Sequence[int] = [4, 2, 2, 2],
                 strides: Sequence[int] = [4, 2, 2, 2],
                 num_heads: Sequence[int] = [1, 2, 4],
                 mlp_ratios: Sequence[int] = [4, 4, 4],
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 qkv_bias: bool = False,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.2,
                 norm_cfg: dict = dict(type='LN'),
                 depths: Sequence[int] = [4, 4, 4],
                 sr_ratios: Sequence[int] = [4, 2, 1],
                 windiow_sizes: Sequence[int] = [7, 7, 7],
                 norm_after_stage: bool = True,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(in_channels, embed_dims, patch_sizes, strides,
                         num_heads, mlp_ratios, out_indices, qkv_bias,
                         drop_rate, attn_drop_rate, drop_path_rate, norm_cfg,
                         depths, sr_ratios, norm_after_stage, pretrained,
                         init_cfg)
        for k, depth in enumerate(depths):
            for i in range(0, depth, 2):
                self.layers[k][i] = LSAEncoderLayer(
                    embed_dims[k], num_heads[k], mlp_ratios[k] * embed_dims[k],
                    drop_rate=drop_rate, attn_drop_rate=attn_drop_rate,
                    drop_path_rate=self.drop_path_rates[sum(depths[:k]) + i],
                    qkv_bias=qkv_bias, window_size=windiow_sizes[k])
