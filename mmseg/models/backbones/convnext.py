"""ConvNeXt (arXiv:2201.03545) with mmcls 0.x's arguments and key names.

0.28's ConvNeXt configs name it ``type='mmcls.ConvNeXt'`` after
``custom_imports=dict(imports='mmcls.models')``. Without mmcls installed,
this class is registered under the ``mmcls`` scope too and
``mmseg.compat.mmcls_models`` makes ``import mmcls.models`` give it.
"""
import importlib.machinery
from functools import partial
from itertools import chain
from typing import Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.model import BaseModule, ModuleList, Sequential
from mmengine.registry import MODELS as ENGINE_MODELS
from mmengine.registry import Registry

from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..utils.frozen_stages import FrozenStagesMixin


@MODELS.register_module('LN2d')
class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of (N, C, H, W) maps.

    Args:
        num_channels: Channels of the input.
        **kwargs: ``nn.LayerNorm`` arguments (``eps``, ...).
    """

    def __init__(self, num_channels: int, **kwargs):
        super().__init__(num_channels, **kwargs)
        self.num_channels = self.normalized_shape[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4:
            raise InvalidArgumentError(
                f'LayerNorm2d: expects (N, C, H, W), got shape '
                f'{tuple(x.shape)}')
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape,
                            self.weight, self.bias,
                            self.eps).permute(0, 3, 1, 2)


def _norm(norm_cfg: dict, channels: int) -> nn.Module:
    cfg = dict(norm_cfg)
    if cfg.get('type') == 'LN2d':
        cfg.pop('type')
        cfg.pop('requires_grad', None)
        return LayerNorm2d(channels, **cfg)
    return build_norm_layer(cfg, channels)[1]


class ConvNeXtBlock(BaseModule):
    """Depth-wise 7x7 conv, norm, two point-wise layers with an activation
    between, layer scale ``gamma`` and a shortcut.

    Args:
        in_channels: Channels of the block.
        norm_cfg: Norm after the depth-wise conv.
        act_cfg: Activation between the point-wise layers.
        mlp_ratio: Hidden channels over ``in_channels``.
        linear_pw_conv: Point-wise layers as ``nn.Linear`` on channel-last
            maps (else 1x1 convs).
        drop_path_rate: Stochastic depth.
        layer_scale_init_value: Initial ``gamma`` (0: no layer scale).
        with_cp: Recompute the block in the backward pass (saves memory).
    """

    def __init__(self,
                 in_channels: int,
                 norm_cfg: dict = dict(type='LN2d', eps=1e-6),
                 act_cfg: dict = dict(type='GELU'),
                 mlp_ratio: float = 4.,
                 linear_pw_conv: bool = True,
                 drop_path_rate: float = 0.,
                 layer_scale_init_value: float = 1e-6,
                 with_cp: bool = False):
        super().__init__()
        self.with_cp = with_cp
        self.depthwise_conv = nn.Conv2d(in_channels, in_channels, 7,
                                        padding=3, groups=in_channels)
        self.linear_pw_conv = linear_pw_conv
        self.norm = _norm(norm_cfg, in_channels)
        mid_channels = int(mlp_ratio * in_channels)
        pw_conv = nn.Linear if linear_pw_conv else partial(nn.Conv2d,
                                                          kernel_size=1)
        self.pointwise_conv1 = pw_conv(in_channels, mid_channels)
        self.act = build_activation_layer(act_cfg)
        self.pointwise_conv2 = pw_conv(mid_channels, in_channels)
        self.gamma = nn.Parameter(
            layer_scale_init_value * torch.ones(in_channels)) \
            if layer_scale_init_value > 0 else None
        self.drop_path = DropPath(drop_path_rate) \
            if drop_path_rate > 0. else nn.Identity()

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.norm(self.depthwise_conv(x))
        if self.linear_pw_conv:
            out = out.permute(0, 2, 3, 1)
        out = self.pointwise_conv2(self.act(self.pointwise_conv1(out)))
        if self.linear_pw_conv:
            out = out.permute(0, 3, 1, 2)
        if self.gamma is not None:
            out = out.mul(self.gamma.view(1, -1, 1, 1))
        return x + self.drop_path(out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(self._forward, x, use_reentrant=False)
        return self._forward(x)


class ConvNeXt(FrozenStagesMixin, BaseModule):
    """ConvNeXt backbone: a patchify stem and four stages of
    ``ConvNeXtBlock``, each after a downsampling layer (norm + 2x2 conv);
    a norm (``norm{i}``) on every returned stage.

    Args:
        arch: 'tiny', 'small', 'base', 'large', 'xlarge' or a dict with
            ``depths`` and ``channels``.
        in_channels: Channels of the input image.
        stem_patch_size: Stem kernel and stride.
        norm_cfg: Norm config.
        act_cfg: Activation in the blocks.
        linear_pw_conv: Point-wise layers as ``nn.Linear``.
        drop_path_rate: Stochastic depth, rising linearly over all blocks.
        layer_scale_init_value: Initial layer scale (0: none).
        out_indices: Stages returned (int or sequence; negative from the
            end).
        frozen_stages: Stages (with their downsampling) kept frozen.
        gap_before_final_norm: Return normed global averages (N, C)
            instead of maps (classification).
        with_cp: Recompute blocks in the backward pass (saves memory).
        init_cfg: Initialisation config.
    """

    arch_settings = {
        'tiny': dict(depths=[3, 3, 9, 3], channels=[96, 192, 384, 768]),
        'small': dict(depths=[3, 3, 27, 3], channels=[96, 192, 384, 768]),
        'base': dict(depths=[3, 3, 27, 3], channels=[128, 256, 512, 1024]),
        'large': dict(depths=[3, 3, 27, 3], channels=[192, 384, 768, 1536]),
        'xlarge': dict(depths=[3, 3, 27, 3],
                       channels=[256, 512, 1024, 2048]),
    }

    def __init__(self,
                 arch: Union[str, dict] = 'tiny',
                 in_channels: int = 3,
                 stem_patch_size: int = 4,
                 norm_cfg: dict = dict(type='LN2d', eps=1e-6),
                 act_cfg: dict = dict(type='GELU'),
                 linear_pw_conv: bool = True,
                 drop_path_rate: float = 0.,
                 layer_scale_init_value: float = 1e-6,
                 out_indices: Union[int, Sequence[int]] = -1,
                 frozen_stages: int = 0,
                 gap_before_final_norm: bool = True,
                 with_cp: bool = False,
                 init_cfg=[
                     dict(type='TruncNormal', layer=['Conv2d', 'Linear'],
                          std=.02, bias=0.),
                     dict(type='Constant', layer=['LayerNorm'], val=1.,
                          bias=0.),
                 ]):
        super().__init__(init_cfg)
        if isinstance(arch, str):
            if arch not in self.arch_settings:
                raise InvalidArgumentError(
                    f'ConvNeXt: arch {arch!r} is not one of '
                    f'{sorted(self.arch_settings)} (or pass a dict with '
                    'depths and channels)')
            arch = self.arch_settings[arch]
        elif not ('depths' in arch and 'channels' in arch):
            raise InvalidArgumentError(
                'ConvNeXt: an arch dict needs "depths" and "channels", got '
                f'{sorted(arch)}')
        self.depths = arch['depths']
        self.channels = arch['channels']
        if len(self.depths) != len(self.channels):
            raise InvalidArgumentError(
                f'ConvNeXt: depths {self.depths} and channels '
                f'{self.channels} need the same length')
        self.num_stages = len(self.depths)
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        # mmcls counted negative indices from 4 stages
        self.out_indices = [4 + i if i < 0 else i for i in out_indices]
        if min(self.out_indices) < 0:
            raise InvalidArgumentError(
                f'ConvNeXt: invalid out_indices {list(out_indices)}')
        self.frozen_stages = frozen_stages
        self.gap_before_final_norm = gap_before_final_norm

        drop_path_rates = torch.linspace(0, drop_path_rate, sum(self.depths),
                                         device='cpu').tolist()
        self.downsample_layers = ModuleList([nn.Sequential(
            nn.Conv2d(in_channels, self.channels[0], stem_patch_size,
                      stride=stem_patch_size),
            _norm(norm_cfg, self.channels[0]))])
        self.stages = nn.ModuleList()
        for i, (depth, channels) in enumerate(zip(self.depths,
                                                  self.channels)):
            if i >= 1:
                self.downsample_layers.append(nn.Sequential(
                    _norm(norm_cfg, self.channels[i - 1]),
                    nn.Conv2d(self.channels[i - 1], channels, 2, stride=2)))
            first = sum(self.depths[:i])
            self.stages.append(Sequential(*[
                ConvNeXtBlock(
                    channels, norm_cfg=norm_cfg, act_cfg=act_cfg,
                    linear_pw_conv=linear_pw_conv,
                    drop_path_rate=drop_path_rates[first + j],
                    layer_scale_init_value=layer_scale_init_value,
                    with_cp=with_cp) for j in range(depth)]))
            if i in self.out_indices:
                self.add_module(f'norm{i}', _norm(norm_cfg, channels))
        self._freeze_stages()

    def _freeze_stages(self) -> None:
        for i in range(self.frozen_stages):
            self.downsample_layers[i].eval()
            self.stages[i].eval()
            for param in chain(self.downsample_layers[i].parameters(),
                               self.stages[i].parameters()):
                param.requires_grad = False

    def forward(self, x: torch.Tensor) -> tuple:
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(self.downsample_layers[i](x))
            if i in self.out_indices:
                norm = getattr(self, f'norm{i}')
                if self.gap_before_final_norm:
                    outs.append(norm(x.mean([-2, -1],
                                            keepdim=True)).flatten(1))
                else:
                    # LayerNorm2d's output is a permuted view
                    outs.append(norm(x).contiguous())
        return tuple(outs)


MODELS.register_module(module=ConvNeXt)
# on sys.path only: mmseg's finder answers 'mmcls' when it is absent
if importlib.machinery.PathFinder.find_spec('mmcls') is None:
    # 'mmcls.ConvNeXt' in 0.28 configs: mmengine looks the 'mmcls' scope
    # up among the root registry's children
    MMCLS_MODELS = ENGINE_MODELS.children.get('mmcls') or Registry(
        'model', parent=ENGINE_MODELS, scope='mmcls',
        locations=['mmseg.models.backbones.convnext'])
    MMCLS_MODELS.register_module(module=ConvNeXt)
