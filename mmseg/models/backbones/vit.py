"""Vision Transformer (arXiv:2010.11929) with 0.28 arguments and key names."""
import math
import os.path as osp
import warnings
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import build_norm_layer
from mmengine.logging import print_log
from mmengine.model import BaseModule, ModuleList
from mmengine.model.weight_init import constant_init, kaiming_init
from mmengine.runner.checkpoint import CheckpointLoader
from mmengine.utils import to_2tuple

from mmseg.ops import resize
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..utils import PatchEmbed
from ..utils.pretrained import pretrained_init_cfg


def _mmcv_transformer_bricks() -> tuple:
    """mmcv's ``MultiheadAttention`` and ``FFN``, imported quietly (under
    mmcv-lite the module warns that its CUDA attention is missing)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            'ignore', message='Fail to import ``MultiScaleDeformableAttention',
            category=UserWarning)
        from mmcv.cnn.bricks.transformer import FFN, MultiheadAttention
    return FFN, MultiheadAttention


FFN, MultiheadAttention = _mmcv_transformer_bricks()


def img_size_pair(img_size: Union[int, Sequence[int]],
                  owner: str) -> Tuple[int, int]:
    """``img_size`` (an int, (s, ) or (h, w)) as (h, w)."""
    if isinstance(img_size, int):
        img_size = to_2tuple(img_size)
    elif len(img_size) == 1:
        img_size = to_2tuple(img_size[0])
    if len(img_size) != 2:
        raise InvalidArgumentError(
            f'{owner}: img_size must be an int or (h, w), got {img_size!r}')
    return tuple(img_size)


def layer_indices(out_indices: Union[int, Sequence[int]],
                  num_layers: int) -> Sequence[int]:
    """``out_indices`` as a sequence; the int -1 means the last layer."""
    if isinstance(out_indices, int):
        return [num_layers - 1 if out_indices == -1 else out_indices]
    if not isinstance(out_indices, (list, tuple)):
        raise TypeError('out_indices must be an int, list or tuple')
    return out_indices


def jax_init_modules(model: nn.Module) -> None:
    """timm's 'jax' start of the layers: truncated-normal linears (FFN
    biases near zero), fan-in Kaiming convs, unit norms."""
    for name, m in model.named_modules():
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                if 'ffn' in name:
                    nn.init.normal_(m.bias, mean=0., std=1e-6)
                else:
                    nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.Conv2d):
            kaiming_init(m, mode='fan_in', bias=0.)
        elif isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.GroupNorm,
                            nn.LayerNorm)):
            constant_init(m, val=1.0, bias=0.)


def eval_layer_norms(model: nn.Module) -> None:
    """Put the LayerNorms of ``model`` in eval mode (``norm_eval``)."""
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            m.eval()


class TransformerEncoderLayer(BaseModule):
    """Pre-norm ViT block: ``x + attn(norm1(x))``, then ``x + ffn(norm2(x))``.

    The norms are named by their type (``ln1``, ``ln2`` for LayerNorm), as
    in 0.28. Stochastic depth applies to the FFN branch only, as in 0.28.

    Args:
        embed_dims: Channels of the tokens.
        num_heads: Attention heads.
        feedforward_channels: Hidden channels of the FFN.
        drop_rate: Dropout after the attention and inside the FFN.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Stochastic depth of the FFN branch.
        num_fcs: Linear layers of the FFN.
        qkv_bias: Biases in the attention's input projections.
        act_cfg: Activation of the FFN.
        norm_cfg: Norm config.
        batch_first: Tokens are (N, L, C) rather than (L, N, C).
        attn_cfg: Extra arguments of the attention.
        ffn_cfg: Extra arguments of the FFN.
        with_cp: Recompute the block in the backward pass (saves memory).
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
                 batch_first: bool = True,
                 attn_cfg: Optional[dict] = None,
                 ffn_cfg: Optional[dict] = None,
                 with_cp: bool = False):
        super().__init__()
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, embed_dims,
                                                  postfix=1)
        self.add_module(self.norm1_name, norm1)
        self.build_attn(dict(
            attn_cfg or {}, embed_dims=embed_dims, num_heads=num_heads,
            attn_drop=attn_drop_rate, proj_drop=drop_rate,
            batch_first=batch_first, bias=qkv_bias))
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, embed_dims,
                                                  postfix=2)
        self.add_module(self.norm2_name, norm2)
        drop_path = dict(type='DropPath', drop_prob=drop_path_rate) \
            if drop_path_rate > 0 else None
        self.build_ffn(dict(
            ffn_cfg or {}, embed_dims=embed_dims,
            feedforward_channels=feedforward_channels, num_fcs=num_fcs,
            ffn_drop=drop_rate, dropout_layer=drop_path, act_cfg=act_cfg))
        self.with_cp = with_cp

    def build_attn(self, attn_cfg: dict) -> None:
        """Build ``self.attn``; subclasses may use another attention."""
        self.attn = MultiheadAttention(**attn_cfg)

    def build_ffn(self, ffn_cfg: dict) -> None:
        """Build ``self.ffn``; subclasses may use another FFN."""
        self.ffn = FFN(**ffn_cfg)

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    @property
    def norm2(self) -> nn.Module:
        return getattr(self, self.norm2_name)

    def _inner_forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.attn(self.norm1(x), identity=x)
        return self.ffn(self.norm2(x), identity=x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(self._inner_forward, x, use_reentrant=False)
        return self._inner_forward(x)


@MODELS.register_module()
class VisionTransformer(BaseModule):
    """Vision Transformer backbone.

    Args:
        img_size: Training image size (int or (h, w)); sets the grid of
            ``pos_embed``, which is interpolated for other input sizes.
        patch_size: Side of the (non-overlapping) patches.
        in_channels: Channels of the input image.
        embed_dims: Channels of the tokens.
        num_layers: Encoder layers.
        num_heads: Attention heads.
        mlp_ratio: FFN hidden channels over ``embed_dims``.
        out_indices: Layers whose outputs are returned (-1: the last).
        qkv_bias: Biases in the attention's input projections.
        drop_rate: Dropout after the position embedding and in the layers.
        attn_drop_rate: Dropout on the attention weights.
        drop_path_rate: Largest stochastic depth (linear over the layers).
        with_cls_token: Feed the class token to the encoder.
        output_cls_token: Return ``[map, cls_token]`` per output (needs
            ``with_cls_token``).
        norm_cfg: Norm config.
        act_cfg: Activation of the FFNs.
        patch_norm: Norm the patch tokens.
        final_norm: Norm the last layer's output (``ln1`` for LayerNorm).
        interpolate_mode: Mode of the position-embedding interpolation.
        num_fcs: Linear layers of each FFN.
        norm_eval: Keep the LayerNorms in eval mode while training.
        with_cp: Recompute each layer in the backward pass.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 img_size: Union[int, Sequence[int]] = 224,
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 num_layers: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: int = 4,
                 out_indices: Union[int, Sequence[int]] = -1,
                 qkv_bias: bool = True,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 with_cls_token: bool = True,
                 output_cls_token: bool = False,
                 norm_cfg: dict = dict(type='LN'),
                 act_cfg: dict = dict(type='GELU'),
                 patch_norm: bool = False,
                 final_norm: bool = False,
                 interpolate_mode: str = 'bicubic',
                 num_fcs: int = 2,
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg))
        if output_cls_token and not with_cls_token:
            raise InvalidArgumentError(
                'VisionTransformer: output_cls_token=True needs '
                'with_cls_token=True')
        self.img_size = img_size_pair(img_size, 'VisionTransformer')
        self.patch_size = patch_size
        self.interpolate_mode = interpolate_mode
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.pretrained = pretrained
        self.with_cls_token = with_cls_token
        self.output_cls_token = output_cls_token

        self.patch_embed = PatchEmbed(
            in_channels=in_channels, embed_dims=embed_dims,
            conv_type='Conv2d', kernel_size=patch_size, stride=patch_size,
            padding='corner', norm_cfg=norm_cfg if patch_norm else None)
        num_patches = (self.img_size[0] // patch_size) * \
            (self.img_size[1] // patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            torch.zeros(1, num_patches + 1, embed_dims))
        self.drop_after_pos = nn.Dropout(p=drop_rate)

        self.out_indices = layer_indices(out_indices, num_layers)

        drop_path_rates = torch.linspace(0, drop_path_rate, num_layers,
                                         device='cpu').tolist()
        self.layers = ModuleList(
            TransformerEncoderLayer(
                embed_dims=embed_dims, num_heads=num_heads,
                feedforward_channels=mlp_ratio * embed_dims,
                attn_drop_rate=attn_drop_rate, drop_rate=drop_rate,
                drop_path_rate=drop_path_rates[i], num_fcs=num_fcs,
                qkv_bias=qkv_bias, act_cfg=act_cfg, norm_cfg=norm_cfg,
                with_cp=with_cp, batch_first=True)
            for i in range(num_layers))

        self.final_norm = final_norm
        if final_norm:
            self.norm1_name, norm1 = build_norm_layer(norm_cfg, embed_dims,
                                                      postfix=1)
            self.add_module(self.norm1_name, norm1)

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    @property
    def pos_grid(self) -> Tuple[int, int]:
        """The patch grid (h, w) of ``pos_embed``."""
        return (self.img_size[0] // self.patch_size,
                self.img_size[1] // self.patch_size)

    def init_weights(self) -> None:
        """The ``Pretrained`` checkpoint of ``init_cfg`` (non-strict,
        ``pos_embed`` interpolated to ``img_size``), another ``init_cfg``,
        or timm's 'jax' initialisation."""
        init_cfg = self.init_cfg
        if isinstance(init_cfg, dict) and init_cfg.get('type') == \
                'Pretrained':
            self.load_pretrained(init_cfg['checkpoint'])
        elif init_cfg is not None:
            super().init_weights()
        else:
            nn.init.trunc_normal_(self.pos_embed, std=.02)
            nn.init.trunc_normal_(self.cls_token, std=.02)
            jax_init_modules(self)

    def load_pretrained(self, checkpoint: str) -> None:
        """Load converted ViT weights (tools/model_converters/vit2mmseg.py,
        vitjax2mmseg.py) non-strictly, ``pos_embed`` resized to this grid.

        Raises:
            FileNotFoundError: A local ``checkpoint`` that does not exist;
                the message says how to make it.
        """
        if '://' not in checkpoint and not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'VisionTransformer: pretrained weights not found at '
                f'{checkpoint}; convert the released timm .pth (tools/'
                'model_converters/vit2mmseg.py SRC DST) or AugReg .npz '
                '(vitjax2mmseg.py SRC DST) and put the result there, or set '
                'pretrained=None to train from scratch')
        state = CheckpointLoader.load_checkpoint(checkpoint,
                                                 map_location='cpu')
        state = OrderedDict(state.get('state_dict', state))
        if 'pos_embed' in state and \
                state['pos_embed'].shape != self.pos_embed.shape:
            old = state['pos_embed']
            side = int(math.sqrt(old.shape[1] - 1))
            print_log(f'VisionTransformer: resize pos_embed from '
                      f'{tuple(old.shape)} to {tuple(self.pos_embed.shape)}',
                      logger='current')
            state['pos_embed'] = self.resize_pos_embed(
                old, self.pos_grid, (side, side), self.interpolate_mode)
        missing, unexpected = self.load_state_dict(state, strict=False)
        print_log(f'VisionTransformer: loaded {checkpoint} ({len(missing)} '
                  f'missing, {len(unexpected)} unexpected keys)',
                  logger='current')

    def _pos_embeding(self, tokens: torch.Tensor, hw_shape: Tuple[int, int],
                      pos_embed: torch.Tensor) -> torch.Tensor:
        """``tokens`` plus ``pos_embed``, resized to ``hw_shape`` if the
        input is not of ``img_size``, then dropout."""
        if tokens.shape[1] != pos_embed.shape[1]:
            grid = self.pos_grid
            if pos_embed.shape[1] != grid[0] * grid[1] + 1:
                raise ValueError(
                    f'VisionTransformer: pos_embed of shape '
                    f'{tuple(pos_embed.shape)} does not fit img_size '
                    f'{self.img_size} and patch_size {self.patch_size}')
            pos_embed = self.resize_pos_embed(pos_embed, hw_shape, grid,
                                              self.interpolate_mode)
        return self.drop_after_pos(tokens + pos_embed)

    @staticmethod
    def resize_pos_embed(pos_embed: torch.Tensor,
                         input_shape: Tuple[int, int],
                         pos_shape: Tuple[int, int],
                         mode: str) -> torch.Tensor:
        """Resize a (1, 1 + h*w, C) position embedding to another patch grid.

        The first (class token) entry is kept; the last ``h*w`` entries are
        interpolated as an (h, w) map.

        Args:
            pos_embed: The embedding, class token entry first.
            input_shape: The target grid (h, w).
            pos_shape: The grid (h, w) of ``pos_embed``.
            mode: Interpolation mode, e.g. 'bicubic' or 'bilinear'.

        Returns:
            The embedding (1, 1 + h'*w', C) of the target grid.
        """
        assert pos_embed.ndim == 3, 'pos_embed must be (1, L, C)'
        pos_h, pos_w = pos_shape
        cls_entry = pos_embed[:, :1]
        grid = pos_embed[:, -pos_h * pos_w:].reshape(
            1, pos_h, pos_w, pos_embed.shape[2]).permute(0, 3, 1, 2)
        grid = resize(grid, size=input_shape, align_corners=False, mode=mode)
        return torch.cat((cls_entry, grid.flatten(2).transpose(1, 2)), dim=1)

    def forward(self, inputs: torch.Tensor) -> tuple:
        """Maps (N, C, H/patch, W/patch) of the ``out_indices`` layers;
        each is ``[map, cls_token]`` with ``output_cls_token``."""
        x, hw_shape = self.patch_embed(inputs)
        cls_tokens = self.cls_token.expand(x.shape[0], -1, -1)
        x = self._pos_embeding(torch.cat((cls_tokens, x), dim=1), hw_shape,
                               self.pos_embed)
        if not self.with_cls_token:
            x = x[:, 1:]
        outs: List = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i == len(self.layers) - 1 and self.final_norm:
                x = self.norm1(x)
            if i in self.out_indices:
                tokens = x[:, 1:] if self.with_cls_token else x
                out = tokens.reshape(x.shape[0], hw_shape[0], hw_shape[1],
                                     -1).permute(0, 3, 1, 2).contiguous()
                outs.append([out, x[:, 0]] if self.output_cls_token else out)
        return tuple(outs)

    def train(self, mode: bool = True) -> 'VisionTransformer':
        super().train(mode)
        if mode and self.norm_eval:
            eval_layer_norms(self)
        return self
