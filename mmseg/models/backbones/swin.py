"""Swin Transformer (arXiv:2103.14030) with 0.28 arguments and key names."""
import warnings
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmcv.cnn.bricks.drop import build_dropout
from mmengine.logging import print_log
from mmengine.model import BaseModule, ModuleList
from mmengine.model.weight_init import constant_init, trunc_normal_init
from mmengine.runner.checkpoint import CheckpointLoader

from mmseg.registry import MODELS

from ..utils import PatchEmbed, PatchMerging
from ..utils.frozen_stages import FrozenStagesMixin
from ..utils.pretrained import pretrained_init_cfg
from ..utils.swin_checkpoint import convert_official_swin, is_official_swin


def relative_position_index(window: int) -> torch.Tensor:
    """(window², window²) index into the (2*window-1)² bias table.

    Entry (p, q) encodes the offset of token p from token q, row offset
    major.
    """
    coords = torch.stack(torch.meshgrid(torch.arange(window),
                                        torch.arange(window),
                                        indexing='ij')).flatten(1)
    offset = coords[:, :, None] - coords[:, None, :] + window - 1
    return offset[0] * (2 * window - 1) + offset[1]


class WindowMSA(BaseModule):
    """Multi-head self-attention inside a window, with a learned relative
    position bias (``relative_position_bias_table``).

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        window_size: Side of the (square) window.
        qkv_bias: Bias of the q, k, v projection.
        qk_scale: Attention scale; ``None`` means head_dims ** -0.5.
        attn_drop_rate: Dropout of the attention weights.
        proj_drop_rate: Dropout after the output projection.
    """

    def __init__(self, embed_dims: int, num_heads: int, window_size: int,
                 qkv_bias: bool = True, qk_scale: Optional[float] = None,
                 attn_drop_rate: float = 0., proj_drop_rate: float = 0.):
        super().__init__()
        self.num_heads = num_heads
        self.window_size = window_size
        self.scale = qk_scale or (embed_dims // num_heads)**-0.5
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window_size - 1)**2, num_heads))
        self.register_buffer('relative_position_index',
                             relative_position_index(window_size))
        self.qkv = nn.Linear(embed_dims, embed_dims * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop_rate)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.proj_drop = nn.Dropout(proj_drop_rate)

    def init_weights(self) -> None:
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def forward(self, x: torch.Tensor,
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Attend within windows.

        Args:
            x: Tokens (num_windows * N, window², C).
            mask: (num_windows, window², window²) additive mask, or None.
        """
        batch, length, channels = x.shape
        qkv = self.qkv(x).reshape(batch, length, 3, self.num_heads,
                                  channels // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[
            self.relative_position_index.view(-1)].view(length, length, -1)
        attn = attn + bias.permute(2, 0, 1).unsqueeze(0)
        if mask is not None:
            windows = mask.shape[0]
            attn = attn.view(batch // windows, windows, self.num_heads,
                             length, length) + mask[None, :, None]
            attn = attn.view(-1, self.num_heads, length, length)
        attn = self.attn_drop(attn.softmax(dim=-1))
        x = (attn @ v).transpose(1, 2).reshape(batch, length, channels)
        return self.proj_drop(self.proj(x))


class ShiftWindowMSA(BaseModule):
    """Window attention on a (cyclically shifted) padded token grid.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        window_size: Side of the windows.
        shift_size: Cyclic shift (0: plain windows).
        qkv_bias: Bias of the q, k, v projection.
        qk_scale: Attention scale override.
        attn_drop_rate: Dropout of the attention weights.
        proj_drop_rate: Dropout after the output projection.
        drop_path_rate: Stochastic depth of the branch.
    """

    def __init__(self, embed_dims: int, num_heads: int, window_size: int,
                 shift_size: int = 0, qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 attn_drop_rate: float = 0., proj_drop_rate: float = 0.,
                 drop_path_rate: float = 0.):
        super().__init__()
        assert 0 <= shift_size < window_size
        self.window_size = window_size
        self.shift_size = shift_size
        self.w_msa = WindowMSA(embed_dims, num_heads, window_size, qkv_bias,
                               qk_scale, attn_drop_rate, proj_drop_rate)
        self.drop = build_dropout(dict(type='DropPath',
                                       drop_prob=drop_path_rate))

    def _partition(self, x: torch.Tensor) -> torch.Tensor:
        """(B, H, W, C) -> (B * windows, window, window, C)."""
        batch, h, w, channels = x.shape
        ws = self.window_size
        x = x.view(batch, h // ws, ws, w // ws, ws, channels)
        return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, ws, ws, channels)

    def _reverse(self, windows: torch.Tensor, h: int, w: int) -> torch.Tensor:
        """(B * windows, window, window, C) -> (B, H, W, C)."""
        ws = self.window_size
        x = windows.view(-1, h // ws, w // ws, ws, ws, windows.shape[-1])
        return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, h, w, x.shape[-1])

    def _shift_mask(self, h: int, w: int, device) -> torch.Tensor:
        """Mask (-100) between tokens that the shift brought together."""
        ws, shift = self.window_size, self.shift_size
        regions = torch.zeros((1, h, w, 1), device=device)
        bounds = (slice(0, -ws), slice(-ws, -shift), slice(-shift, None))
        for i, rows in enumerate(bounds):
            for j, cols in enumerate(bounds):
                regions[:, rows, cols, :] = i * 3 + j
        regions = self._partition(regions).reshape(-1, ws * ws)
        diff = regions.unsqueeze(1) - regions.unsqueeze(2)
        return diff.masked_fill(diff != 0, -100.0).masked_fill(diff == 0, 0.)

    def forward(self, x: torch.Tensor, hw_shape: Tuple[int, int]
                ) -> torch.Tensor:
        batch, length, channels = x.shape
        h, w = hw_shape
        assert length == h * w, 'the token count does not match hw_shape'
        ws = self.window_size
        x = x.view(batch, h, w, channels)
        pad_b, pad_r = (ws - h % ws) % ws, (ws - w % ws) % ws
        x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
        h_pad, w_pad = x.shape[1], x.shape[2]
        mask = None
        if self.shift_size > 0:
            x = torch.roll(x, shifts=(-self.shift_size, -self.shift_size),
                           dims=(1, 2))
            mask = self._shift_mask(h_pad, w_pad, x.device)
        windows = self._partition(x).reshape(-1, ws * ws, channels)
        windows = self.w_msa(windows, mask=mask).view(-1, ws, ws, channels)
        x = self._reverse(windows, h_pad, w_pad)
        if self.shift_size > 0:
            x = torch.roll(x, shifts=(self.shift_size, self.shift_size),
                           dims=(1, 2))
        x = x[:, :h, :w, :].contiguous().view(batch, h * w, channels)
        return self.drop(x)


class FFN(BaseModule):
    """Two-layer MLP with a residual (``layers.0.0`` and ``layers.1``).

    Args:
        embed_dims: Channels of the tokens.
        feedforward_channels: Hidden channels.
        act_cfg: Activation config.
        drop_rate: Dropout after each linear layer.
        drop_path_rate: Stochastic depth of the branch.
    """

    def __init__(self, embed_dims: int, feedforward_channels: int,
                 act_cfg: dict, drop_rate: float, drop_path_rate: float):
        super().__init__()
        self.embed_dims = embed_dims
        self.feedforward_channels = feedforward_channels
        self.layers = nn.Sequential(
            nn.Sequential(nn.Linear(embed_dims, feedforward_channels),
                          build_activation_layer(act_cfg),
                          nn.Dropout(drop_rate)),
            nn.Linear(feedforward_channels, embed_dims),
            nn.Dropout(drop_rate))
        self.dropout_layer = build_dropout(dict(type='DropPath',
                                                drop_prob=drop_path_rate))

    def forward(self, x: torch.Tensor, identity: torch.Tensor
                ) -> torch.Tensor:
        return identity + self.dropout_layer(self.layers(x))


class SwinBlock(BaseModule):
    """Pre-norm block: (shifted) window attention, then the MLP.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the MLP.
        window_size: Side of the windows.
        shift: Shift the windows by half a window.
        qkv_bias: Bias of the q, k, v projection.
        qk_scale: Attention scale override.
        drop_rate: Dropout after projections.
        attn_drop_rate: Dropout of the attention weights.
        drop_path_rate: Stochastic depth.
        act_cfg: Activation of the MLP.
        norm_cfg: Norm config.
        with_cp: Gradient checkpointing.
    """

    def __init__(self, embed_dims: int, num_heads: int,
                 feedforward_channels: int, window_size: int = 7,
                 shift: bool = False, qkv_bias: bool = True,
                 qk_scale: Optional[float] = None, drop_rate: float = 0.,
                 attn_drop_rate: float = 0., drop_path_rate: float = 0.,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'), with_cp: bool = False):
        super().__init__()
        self.with_cp = with_cp
        self.norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.attn = ShiftWindowMSA(
            embed_dims, num_heads, window_size,
            shift_size=window_size // 2 if shift else 0, qkv_bias=qkv_bias,
            qk_scale=qk_scale, attn_drop_rate=attn_drop_rate,
            proj_drop_rate=drop_rate, drop_path_rate=drop_path_rate)
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.ffn = FFN(embed_dims, feedforward_channels, act_cfg, drop_rate,
                       drop_path_rate)

    def _forward(self, x: torch.Tensor, hw_shape: Tuple[int, int]
                 ) -> torch.Tensor:
        x = x + self.attn(self.norm1(x), hw_shape)
        return self.ffn(self.norm2(x), identity=x)

    def forward(self, x: torch.Tensor, hw_shape: Tuple[int, int]
                ) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(self._forward, x, hw_shape,
                                 use_reentrant=False)
        return self._forward(x, hw_shape)


class SwinBlockSequence(BaseModule):
    """One stage: ``depth`` blocks alternating plain and shifted windows,
    then an optional ``downsample`` (patch merging).

    Args:
        depth: Number of blocks.
        drop_path_rates: Stochastic depth of each block.
        downsample: Patch merging after the stage, or None.
        **block_kwargs: ``SwinBlock`` arguments.
    """

    def __init__(self, depth: int, drop_path_rates: Sequence[float],
                 downsample: Optional[nn.Module] = None, **block_kwargs):
        super().__init__()
        assert len(drop_path_rates) == depth
        self.blocks = ModuleList(
            SwinBlock(shift=i % 2 == 1, drop_path_rate=drop_path_rates[i],
                      **block_kwargs) for i in range(depth))
        self.downsample = downsample

    def forward(self, x: torch.Tensor, hw_shape: Tuple[int, int]):
        """Returns (next tokens, next grid, stage output, its grid)."""
        for block in self.blocks:
            x = block(x, hw_shape)
        if self.downsample is None:
            return x, hw_shape, x, hw_shape
        x_down, down_shape = self.downsample(x, hw_shape)
        return x_down, down_shape, x, hw_shape


@MODELS.register_module()
class SwinTransformer(FrozenStagesMixin, BaseModule):
    """Swin Transformer backbone.

    Args:
        pretrain_img_size: Image size of the pretraining (sizes the
            absolute position embedding).
        in_channels: Input image channels.
        embed_dims: Channels of the first stage (doubled per stage).
        patch_size: Patch size of the embedding.
        window_size: Side of the attention windows.
        mlp_ratio: MLP hidden channels / token channels.
        depths: Blocks per stage.
        num_heads: Attention heads per stage.
        strides: Patch embedding stride, then each merging's stride.
        out_indices: Stages whose (normed) outputs are returned.
        qkv_bias: Bias of the q, k, v projections.
        qk_scale: Attention scale override.
        patch_norm: Norm after patch embedding and in patch merging.
        drop_rate: Dropout rate.
        attn_drop_rate: Attention dropout rate.
        drop_path_rate: Stochastic depth, rising linearly to this value.
        use_abs_pos_embed: Add an absolute position embedding.
        act_cfg: MLP activation.
        norm_cfg: Norm config.
        with_cp: Gradient checkpointing.
        pretrained: Checkpoint path or URL (sets ``init_cfg``); official
            Swin checkpoints are converted on load.
        frozen_stages: Stages to freeze (-1: none, 0: the patch embedding).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 pretrain_img_size=224,
                 in_channels: int = 3,
                 embed_dims: int = 96,
                 patch_size: int = 4,
                 window_size: int = 7,
                 mlp_ratio: int = 4,
                 depths: Sequence[int] = (2, 2, 6, 2),
                 num_heads: Sequence[int] = (3, 6, 12, 24),
                 strides: Sequence[int] = (4, 2, 2, 2),
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 qkv_bias: bool = True,
                 qk_scale: Optional[float] = None,
                 patch_norm: bool = True,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.1,
                 use_abs_pos_embed: bool = False,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 frozen_stages: int = -1,
                 init_cfg=None):
        if isinstance(pretrain_img_size, int):
            pretrain_img_size = (pretrain_img_size, pretrain_img_size)
        elif len(pretrain_img_size) == 1:
            pretrain_img_size = (pretrain_img_size[0], ) * 2
        assert len(pretrain_img_size) == 2, \
            'pretrain_img_size must be an int or a (h, w) pair'
        super().__init__(pretrained_init_cfg(pretrained, init_cfg))
        assert strides[0] == patch_size, 'strides[0] must equal patch_size'
        assert len(depths) == len(num_heads) == len(strides)
        num_stages = len(depths)
        assert max(out_indices) < num_stages
        self.out_indices = out_indices
        self.use_abs_pos_embed = use_abs_pos_embed
        self.frozen_stages = frozen_stages
        self.patch_embed = PatchEmbed(
            in_channels, embed_dims, kernel_size=patch_size,
            stride=strides[0], padding='corner',
            norm_cfg=norm_cfg if patch_norm else None)
        if use_abs_pos_embed:
            num_patches = (pretrain_img_size[0] // patch_size) * \
                (pretrain_img_size[1] // patch_size)
            self.absolute_pos_embed = nn.Parameter(
                torch.zeros((1, num_patches, embed_dims)))
        self.drop_after_pos = nn.Dropout(p=drop_rate)

        rates = torch.linspace(0, drop_path_rate, sum(depths),
                               device='cpu').tolist()
        self.stages = ModuleList()
        dims = embed_dims
        for i, depth in enumerate(depths):
            downsample = PatchMerging(
                dims, 2 * dims, stride=strides[i + 1],
                norm_cfg=norm_cfg if patch_norm else None) \
                if i < num_stages - 1 else None
            first = sum(depths[:i])
            self.stages.append(SwinBlockSequence(
                depth, rates[first:first + depth], downsample,
                embed_dims=dims, num_heads=num_heads[i],
                feedforward_channels=int(mlp_ratio * dims),
                window_size=window_size, qkv_bias=qkv_bias,
                qk_scale=qk_scale, drop_rate=drop_rate,
                attn_drop_rate=attn_drop_rate, act_cfg=act_cfg,
                norm_cfg=norm_cfg, with_cp=with_cp))
            if downsample is not None:
                dims = downsample.out_channels
        self.num_features = [embed_dims * 2**i for i in range(num_stages)]
        for i in out_indices:
            self.add_module(f'norm{i}',
                            build_norm_layer(norm_cfg,
                                             self.num_features[i])[1])

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.patch_embed, self.drop_after_pos]
        if self.use_abs_pos_embed:
            self.absolute_pos_embed.requires_grad = False
        for i in range(1, self.frozen_stages + 1):
            if i - 1 in self.out_indices:
                frozen.append(getattr(self, f'norm{i - 1}'))
            frozen.append(self.stages[i - 1])
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def init_weights(self) -> None:
        """Truncated-normal linears and unit LayerNorms, or the
        ``Pretrained`` checkpoint of ``init_cfg`` (non-strict, tables
        resized to this window size)."""
        if self.init_cfg is None:
            if self.use_abs_pos_embed:
                nn.init.trunc_normal_(self.absolute_pos_embed, std=0.02)
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    trunc_normal_init(m, std=.02, bias=0.)
                elif isinstance(m, nn.LayerNorm):
                    constant_init(m, val=1.0, bias=0.)
                elif isinstance(m, WindowMSA):
                    m.init_weights()
            return
        init_cfg = dict(self.init_cfg)
        if init_cfg.get('type') != 'Pretrained' or 'checkpoint' not in \
                init_cfg:
            raise ValueError(f'{type(self).__name__} supports only '
                             "init_cfg=dict(type='Pretrained', "
                             f'checkpoint=...), got {init_cfg}')
        checkpoint = CheckpointLoader.load_checkpoint(
            init_cfg['checkpoint'], map_location='cpu')
        state_dict = self.adapt_state_dict(checkpoint)
        missing, unexpected = self.load_state_dict(state_dict, strict=False)
        print_log(f'{type(self).__name__}: loaded {init_cfg["checkpoint"]}'
                  f' ({len(missing)} missing, {len(unexpected)} unexpected '
                  'keys)', logger='current')

    def adapt_state_dict(self, checkpoint: dict) -> 'OrderedDict':
        """A checkpoint's backbone weights in this model's keys and shapes.

        Takes ``state_dict`` or ``model`` if present, strips ``backbone.``
        and ``module.``, converts official Swin keys, and resizes the
        relative position bias tables (bicubic) to this window size; a
        table with another head count is dropped with a warning.
        """
        state = checkpoint
        for key in ('state_dict', 'model'):
            if key in state:
                state = state[key]
                break
        state = OrderedDict(
            (k[len('backbone.'):] if k.startswith('backbone.') else k, v)
            for k, v in state.items())
        if next(iter(state)).startswith('module.'):
            state = OrderedDict((k[len('module.'):], v)
                                for k, v in state.items())
        if is_official_swin(state):
            state = convert_official_swin(state)
        own = self.state_dict()
        if 'absolute_pos_embed' in state and 'absolute_pos_embed' in own \
                and state['absolute_pos_embed'].shape != \
                own['absolute_pos_embed'].shape:
            warnings.warn('absolute_pos_embed of the checkpoint has shape '
                          f'{tuple(state["absolute_pos_embed"].shape)}, the '
                          f'model {tuple(own["absolute_pos_embed"].shape)}: '
                          'not loaded')
            del state['absolute_pos_embed']
        for key in [k for k in state if 'relative_position_bias_table' in k]:
            if key not in own:
                continue
            state[key] = self._resize_table(key, state[key], own[key])
            if state[key] is None:
                del state[key]
        return state

    @staticmethod
    def _resize_table(key: str, table: torch.Tensor,
                      target: torch.Tensor) -> Optional[torch.Tensor]:
        (length, heads), (new_length, new_heads) = table.shape, target.shape
        if heads != new_heads:
            warnings.warn(f'{key}: the checkpoint has {heads} heads, the '
                          f'model {new_heads}: not loaded')
            return None
        if length == new_length:
            return table
        side, new_side = int(length**0.5), int(new_length**0.5)
        grid = table.permute(1, 0).reshape(1, heads, side, side)
        grid = F.interpolate(grid, size=(new_side, new_side), mode='bicubic')
        return grid.view(new_heads, new_length).permute(1, 0).contiguous()

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Normed (N, C, h, w) outputs of the stages in ``out_indices``."""
        x, hw_shape = self.patch_embed(x)
        if self.use_abs_pos_embed:
            x = x + self.absolute_pos_embed
        x = self.drop_after_pos(x)
        outs = []
        for i, stage in enumerate(self.stages):
            x, hw_shape, out, out_shape = stage(x, hw_shape)
            if i in self.out_indices:
                out = getattr(self, f'norm{i}')(out)
                outs.append(out.view(-1, *out_shape, self.num_features[i])
                            .permute(0, 3, 1, 2).contiguous())
        return outs
