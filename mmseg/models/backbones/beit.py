"""BEiT (arXiv:2106.08254): a plain ViT with relative position biases and
layer scale, with 0.28 key names."""
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks.drop import build_dropout
from mmengine.logging import print_log
from mmengine.model import BaseModule, ModuleList
from mmengine.model.weight_init import constant_init
from mmengine.runner import CheckpointLoader
from scipy.interpolate import RectBivariateSpline

from mmseg.registry import MODELS

from ..utils import PatchEmbed
from ..utils.pretrained import pretrained_init_cfg
from .vit import (
    FFN,
    eval_layer_norms,
    img_size_pair,
    jax_init_modules,
    layer_indices,
)

StateDict = dict


class BEiTAttention(BaseModule):
    """Multi-head self-attention over the whole token grid (class token
    first) with a learnt relative position bias per head.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        window_size: Token grid (h, w) the bias table covers.
        bias: 'qv_bias' (learnt query and value biases, no key bias),
            True (biases on all three) or False.
        qk_scale: Query scale; ``None`` means ``head_dims ** -0.5``.
        attn_drop_rate: Dropout on the attention weights.
        proj_drop_rate: Dropout on the output.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 window_size: Tuple[int, int],
                 bias: Union[str, bool] = 'qv_bias',
                 qk_scale: Optional[float] = None,
                 attn_drop_rate: float = 0.,
                 proj_drop_rate: float = 0.,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.bias = bias
        self.scale = qk_scale or (embed_dims // num_heads)**-0.5
        if bias == 'qv_bias':
            self.q_bias = nn.Parameter(torch.zeros(embed_dims))
            self.v_bias = nn.Parameter(torch.zeros(embed_dims))
        self.window_size = tuple(window_size)
        height, width = self.window_size
        # (2h-1)(2w-1) token pairs plus cls->token, token->cls, cls->cls
        self.num_relative_distance = (2 * height - 1) * (2 * width - 1) + 3
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros(self.num_relative_distance, num_heads))
        self.register_buffer('relative_position_index',
                             self._relative_position_index())
        self.qkv = nn.Linear(embed_dims, embed_dims * 3,
                             bias=bias is True)
        self.attn_drop = nn.Dropout(attn_drop_rate)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.proj_drop = nn.Dropout(proj_drop_rate)

    def _relative_position_index(self) -> torch.Tensor:
        """(h*w + 1)² indices into the bias table, the class token first."""
        height, width = self.window_size
        coords = torch.stack(torch.meshgrid(
            torch.arange(height), torch.arange(width), indexing='ij'))
        coords = coords.flatten(1)
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
        index = (rel[..., 0] + height - 1) * (2 * width - 1) + \
            rel[..., 1] + width - 1
        total = self.num_relative_distance
        out = torch.zeros((height * width + 1, ) * 2, dtype=index.dtype)
        out[1:, 1:] = index
        out[0, :] = total - 3
        out[:, 0] = total - 2
        out[0, 0] = total - 1
        return out

    def init_weights(self) -> None:
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Attend over tokens (N, L, C); L is h*w + 1."""
        batch, length, channels = x.shape
        if self.bias == 'qv_bias':
            qkv_bias = torch.cat((self.q_bias, torch.zeros_like(self.v_bias),
                                  self.v_bias))
            qkv = F.linear(x, self.qkv.weight, qkv_bias)
        else:
            qkv = self.qkv(x)
        q, k, v = qkv.reshape(batch, length, 3, self.num_heads,
                              -1).permute(2, 0, 3, 1, 4)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[
            self.relative_position_index.view(-1)].view(length, length, -1)
        attn = attn + bias.permute(2, 0, 1).unsqueeze(0)
        attn = self.attn_drop(attn.softmax(dim=-1))
        x = (attn @ v).transpose(1, 2).reshape(batch, length, channels)
        return self.proj_drop(self.proj(x))


class BEiTTransformerEncoderLayer(BaseModule):
    """Pre-norm block: ``x + gamma_1 * attn(ln1(x))``, then
    ``x + gamma_2 * ffn(ln2(x))``, both under stochastic depth.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the FFN.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Stochastic depth of both residual branches.
        num_fcs: Linear layers of the FFN.
        bias: Attention biases ('qv_bias', True or False).
        act_cfg: Activation of the FFN.
        norm_cfg: Norm config.
        window_size: Token grid (h, w) of the relative position bias.
        attn_cfg: Extra arguments of the attention.
        ffn_cfg: Extra arguments of mmcv's ``FFN``.
        init_values: Initial value of the layer scales ``gamma_1/2``.
    """

    attention_cls = BEiTAttention

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feedforward_channels: int,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 num_fcs: int = 2,
                 bias: Union[str, bool] = 'qv_bias',
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 window_size: Optional[Tuple[int, int]] = None,
                 attn_cfg: Optional[dict] = None,
                 ffn_cfg: Optional[dict] = None,
                 init_values: Optional[float] = None):
        super().__init__()
        if init_values is None:
            raise ValueError('BEiTTransformerEncoderLayer: init_values (the '
                             'initial layer scale) must be a float, got None')
        self.ln1 = build_norm_layer(norm_cfg, embed_dims, postfix=1)[1]
        self.attn = self.attention_cls(
            embed_dims, num_heads, window_size, bias=bias,
            attn_drop_rate=attn_drop_rate, **(attn_cfg or {}))
        self.ln2 = build_norm_layer(norm_cfg, embed_dims, postfix=2)[1]
        self.ffn = FFN(**dict(
            dict(embed_dims=embed_dims,
                 feedforward_channels=feedforward_channels, num_fcs=num_fcs,
                 act_cfg=act_cfg, add_identity=False), **(ffn_cfg or {})))
        self.drop_path = build_dropout(
            dict(type='DropPath', drop_prob=drop_path_rate))
        self.gamma_1 = nn.Parameter(init_values * torch.ones(embed_dims))
        self.gamma_2 = nn.Parameter(init_values * torch.ones(embed_dims))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.gamma_1 * self.attn(self.ln1(x)))
        return x + self.drop_path(self.gamma_2 * self.ffn(self.ln2(x)))


def geometric_resize_rel_pos_bias(table: torch.Tensor, src_size: int,
                                  dst_size: int) -> torch.Tensor:
    """Resize a relative position bias table (extra tokens removed).

    The source offsets are placed on a geometric progression that keeps
    the centre dense and reaches ``dst_size // 2`` at the edges; each head
    is then resampled on the integer offsets by a bicubic interpolating
    spline. This is 0.28's ``scipy.interpolate.interp2d(kind='cubic')``
    resize (removed in SciPy 1.14): on a rectangular grid interp2d fitted
    and evaluated the same FITPACK spline (``regrid_smth`` with ``s=0``,
    ``bispev``, clamped outside the grid) as ``RectBivariateSpline``.

    Args:
        table: (src_size², num_heads) biases.
        src_size: Side of the source offset grid (2h - 1).
        dst_size: Side of the target offset grid.

    Returns:
        (dst_size², num_heads) biases, dtype and device of ``table``.
    """
    left, right = 1.01, 1.5
    half = src_size // 2
    while right - left > 1e-6:
        ratio = (left + right) / 2.0
        if (1.0 - ratio**half) / (1.0 - ratio) > dst_size // 2:
            right = ratio
        else:
            left = ratio
    offsets = np.cumsum([1.0] + [ratio**(i + 1) for i in range(half - 1)])
    grid = np.concatenate([-offsets[::-1], [0.0], offsets])
    target = np.arange(-(dst_size // 2), dst_size // 2 + 0.1, 1.0)
    heads = []
    for head in table.float().cpu().numpy().T:
        # rows of the table grid are y and columns x, as interp2d read them
        spline = RectBivariateSpline(grid, grid,
                                     head.reshape(src_size, src_size).T,
                                     kx=3, ky=3, s=0)
        heads.append(torch.tensor(spline(target, target).T,
                                  dtype=torch.float32).reshape(-1))
    return torch.stack(heads, dim=1).to(table)


@MODELS.register_module()
class BEiT(BaseModule):
    """BEiT backbone: patch embedding, class token and
    ``num_layers`` blocks with relative position biases.

    Args:
        img_size: Input size (int or (h, w)); sets the token grid of the
            bias tables.
        patch_size: Patch side.
        in_channels: Channels of the input image.
        embed_dims: Channels of the tokens.
        num_layers: Blocks.
        num_heads: Attention heads.
        mlp_ratio: FFN hidden channels over token channels.
        out_indices: Blocks whose (N, C, H, W) maps are returned (-1: the
            last).
        qv_bias: Learnt query and value biases.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth, rising linearly from 0 over the
            blocks to this value.
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

    layer_cls = BEiTTransformerEncoderLayer

    def __init__(self,
                 img_size: Union[int, Tuple[int, int]] = 224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: int = 4,
                 out_indices: Union[int, Sequence[int]] = -1,
                 qv_bias: bool = True,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='LN'),
                 act_cfg: dict = dict(type='GELU'),
                 patch_norm: bool = False,
                 final_norm: bool = False,
                 num_fcs: int = 2,
                 norm_eval: bool = False,
                 pretrained: Optional[str] = None,
                 init_values: float = 0.1,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg))
        img_size = img_size_pair(img_size, type(self).__name__)
        self.img_size = img_size
        self.patch_size = patch_size
        self.embed_dims = embed_dims
        self.num_layers = num_layers
        self.norm_eval = norm_eval
        self.patch_shape = (img_size[0] // patch_size,
                            img_size[1] // patch_size)
        self.window_size = self.patch_shape
        self.out_indices = layer_indices(out_indices, num_layers)

        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.patch_embed = PatchEmbed(
            in_channels, embed_dims, kernel_size=patch_size,
            stride=patch_size, padding=0,
            norm_cfg=norm_cfg if patch_norm else None)
        drop_path_rates = torch.linspace(0, drop_path_rate,
                                         num_layers, device='cpu').tolist()
        self.layers = ModuleList(
            self.layer_cls(
                embed_dims, num_heads, mlp_ratio * embed_dims,
                attn_drop_rate=attn_drop_rate,
                drop_path_rate=drop_path_rates[i], num_fcs=num_fcs,
                bias=self._attention_bias(qv_bias), act_cfg=act_cfg,
                norm_cfg=norm_cfg, window_size=self.patch_shape,
                init_values=init_values)
            for i in range(num_layers))
        self.final_norm = final_norm
        if final_norm:
            self.ln1 = build_norm_layer(norm_cfg, embed_dims, postfix=1)[1]

    @staticmethod
    def _attention_bias(qv_bias: bool) -> Union[str, bool]:
        return 'qv_bias' if qv_bias else False

    def resize_rel_pos_embed(self, checkpoint: dict) -> StateDict:
        """The checkpoint's state dict with its relative position bias
        tables resized to this model's token grid (index buffers dropped:
        the model computes them)."""
        state_dict = checkpoint.get('state_dict', checkpoint)
        own = self.state_dict()
        for key in list(state_dict):
            if 'relative_position_index' in key:
                state_dict.pop(key)
            elif 'relative_position_bias_table' in key and key in own:
                table = state_dict[key]
                if self.patch_shape[0] != self.patch_shape[1]:
                    raise NotImplementedError(
                        f'{type(self).__name__}: resizing relative position '
                        'tables needs a square token grid, got '
                        f'{self.patch_shape}')
                extra = own[key].shape[0] - (2 * self.patch_shape[0] - 1)**2
                src_size = int((table.shape[0] - extra)**0.5)
                dst_size = int((own[key].shape[0] - extra)**0.5)
                if src_size != dst_size:
                    state_dict[key] = torch.cat((geometric_resize_rel_pos_bias(
                        table[:-extra], src_size, dst_size), table[-extra:]))
        return state_dict

    def _load_pretrained(self) -> None:
        checkpoint = CheckpointLoader.load_checkpoint(
            self.init_cfg['checkpoint'], map_location='cpu')
        state_dict = self.adapt_state_dict(checkpoint)
        missing, unexpected = self.load_state_dict(state_dict, strict=False)
        print_log(f'{type(self).__name__}: loaded '
                  f'{self.init_cfg["checkpoint"]} ({len(missing)} missing, '
                  f'{len(unexpected)} unexpected keys)', logger='current')

    def adapt_state_dict(self, checkpoint: dict) -> StateDict:
        """A pretrained checkpoint's state dict, fitted to this model."""
        return self.resize_rel_pos_embed(checkpoint)

    def init_weights(self) -> None:
        """Truncated-normal linears and unit LayerNorms; then the
        ``Pretrained`` checkpoint (non-strict, bias tables resized), the
        given ``init_cfg``, or ViT's jax-style initialisation."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=.02)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.LayerNorm):
                constant_init(m, val=1.0, bias=0.)
        self._rescale_init()
        if isinstance(self.init_cfg, dict) and \
                self.init_cfg.get('type') == 'Pretrained':
            self._load_pretrained()
        elif self.init_cfg is not None:
            super().init_weights()
        else:
            self._jax_init()

    def _rescale_init(self) -> None:
        """Adjust the truncated-normal start (MAE scales it by depth)."""

    def _jax_init(self) -> None:
        nn.init.trunc_normal_(self.cls_token, std=.02)
        jax_init_modules(self)

    def _embed(self, x: torch.Tensor) -> Tuple[torch.Tensor, tuple]:
        x, hw_shape = self.patch_embed(x)
        cls_tokens = self.cls_token.expand(x.shape[0], -1, -1)
        return torch.cat((cls_tokens, x), dim=1), hw_shape

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x, (height, width) = self._embed(x)
        outs: List[torch.Tensor] = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i == len(self.layers) - 1 and self.final_norm:
                x = self.ln1(x)
            if i in self.out_indices:
                tokens = x[:, 1:]
                outs.append(tokens.reshape(x.shape[0], height, width,
                                           -1).permute(0, 3, 1,
                                                       2).contiguous())
        return tuple(outs)

    def train(self, mode: bool = True):
        super().train(mode)
        if mode and self.norm_eval:
            eval_layer_norms(self)
        return self
