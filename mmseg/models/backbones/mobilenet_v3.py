"""MobileNetV3 (arXiv:1905.02244), dilated to output stride 8 as LR-ASPP
uses it."""
from typing import List, Optional, Sequence

import torch
from mmcv.cnn import ConvModule
from mmcv.cnn.bricks import Conv2dAdaptivePadding
from mmengine.model import BaseModule
from mmengine.utils import is_tuple_of

from mmseg.registry import MODELS

from ..utils import InvertedResidualV3
from ..utils.frozen_stages import (
    FrozenStagesMixin,
    check_stage_args,
    freeze,
)
from ..utils.pretrained import CONV_NORM_INIT, pretrained_init_cfg


@MODELS.register_module()
class MobileNetV3(FrozenStagesMixin, BaseModule):
    """A stride-2 stem (``layer0``), one ``InvertedResidualV3`` per row of
    the architecture table (``layer1`` ..) and a final 1x1 conv.

    The last two strided blocks are made stride 1 and the layers after
    them dilated by 2 and 4, so the output stride is 8.

    Args:
        arch: ``'small'`` or ``'large'``.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        out_indices: Layers (``layer0`` is 0) whose outputs are returned.
        frozen_stages: Freeze layers ``0..frozen_stages`` (-1: none).
        reduction_factor: Divides the widths of the last stage's blocks.
        norm_eval: Keep norm layers in eval mode while training.
        with_cp: Checkpoint the blocks to save memory.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    # kernel size, mid channels, out channels, with SE, activation, stride
    arch_settings = {
        'small': [[3, 16, 16, True, 'ReLU', 2],
                  [3, 72, 24, False, 'ReLU', 2],
                  [3, 88, 24, False, 'ReLU', 1],
                  [5, 96, 40, True, 'HSwish', 2],
                  [5, 240, 40, True, 'HSwish', 1],
                  [5, 240, 40, True, 'HSwish', 1],
                  [5, 120, 48, True, 'HSwish', 1],
                  [5, 144, 48, True, 'HSwish', 1],
                  [5, 288, 96, True, 'HSwish', 2],
                  [5, 576, 96, True, 'HSwish', 1],
                  [5, 576, 96, True, 'HSwish', 1]],
        'large': [[3, 16, 16, False, 'ReLU', 1],
                  [3, 64, 24, False, 'ReLU', 2],
                  [3, 72, 24, False, 'ReLU', 1],
                  [5, 72, 40, True, 'ReLU', 2],
                  [5, 120, 40, True, 'ReLU', 1],
                  [5, 120, 40, True, 'ReLU', 1],
                  [3, 240, 80, False, 'HSwish', 2],
                  [3, 200, 80, False, 'HSwish', 1],
                  [3, 184, 80, False, 'HSwish', 1],
                  [3, 184, 80, False, 'HSwish', 1],
                  [3, 480, 112, True, 'HSwish', 1],
                  [3, 672, 112, True, 'HSwish', 1],
                  [5, 672, 160, True, 'HSwish', 2],
                  [5, 960, 160, True, 'HSwish', 1],
                  [5, 960, 160, True, 'HSwish', 1]]
    }
    # per arch: first row of the last stage (reduced by reduction_factor),
    # first dilated layer (its block made stride 1), first layer dilated 4
    # (its block made stride 1), channels of the final conv
    dilation_settings = {'small': (8, 4, 9, 576), 'large': (12, 7, 13, 960)}

    def __init__(self,
                 arch: str = 'small',
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 out_indices: Sequence[int] = (0, 1, 12),
                 frozen_stages: int = -1,
                 reduction_factor: int = 1,
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg,
                                             CONV_NORM_INIT))
        if arch not in self.arch_settings:
            raise ValueError(f"MobileNetV3: arch must be 'small' or 'large', "
                             f'got {arch!r}')
        if not isinstance(reduction_factor, int) or reduction_factor <= 0:
            raise ValueError('MobileNetV3: reduction_factor must be a '
                             f'positive int, got {reduction_factor!r}')
        if not is_tuple_of(tuple(out_indices), int):
            raise TypeError('MobileNetV3: out_indices must be ints, got '
                            f'{out_indices!r}')
        num_layers = len(self.arch_settings[arch]) + 2
        check_stage_args('MobileNetV3', out_indices, frozen_stages, num_layers)
        self.pretrained = pretrained
        self.arch = arch
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.out_indices = out_indices
        self.frozen_stages = frozen_stages
        self.reduction_factor = reduction_factor
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.layers = self._make_layer()

    def _make_layer(self) -> List[str]:
        reduced_from, dilate2_from, dilate4_from, last_channels = \
            self.dilation_settings[self.arch]
        in_channels = 16
        self.layer0 = ConvModule(
            3, in_channels, 3, stride=2, padding=1,
            conv_cfg=dict(type='Conv2dAdaptivePadding'),
            norm_cfg=self.norm_cfg, act_cfg=dict(type='HSwish'))
        layers = ['layer0']
        for i, (kernel_size, mid_channels, out_channels, with_se, act,
                stride) in enumerate(self.arch_settings[self.arch]):
            if i >= reduced_from:
                mid_channels //= self.reduction_factor
                out_channels //= self.reduction_factor
            se_cfg = dict(
                channels=mid_channels, ratio=4,
                act_cfg=(dict(type='ReLU'),
                         dict(type='HSigmoid', bias=3.0, divisor=6.0))
            ) if with_se else None
            layer_name = f'layer{i + 1}'
            self.add_module(layer_name, InvertedResidualV3(
                in_channels, out_channels, mid_channels,
                kernel_size=kernel_size, stride=stride, se_cfg=se_cfg,
                with_expand_conv=in_channels != mid_channels,
                conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                act_cfg=dict(type=act), with_cp=self.with_cp))
            layers.append(layer_name)
            in_channels = out_channels
        layer_name = f'layer{len(layers)}'
        self.add_module(layer_name, ConvModule(
            in_channels, last_channels, 1, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=dict(type='HSwish')))
        layers.append(layer_name)

        for i in (dilate2_from, dilate4_from):
            getattr(self, layers[i]).depthwise_conv.conv.stride = (1, 1)
        for i in range(dilate2_from, len(layers)):
            layer = getattr(self, layers[i])
            conv = (layer.depthwise_conv.conv
                    if isinstance(layer, InvertedResidualV3) else layer.conv)
            rate = 2 if i < dilate4_from else 4
            conv.dilation = (rate, rate)
            if not isinstance(conv, Conv2dAdaptivePadding):
                pad = rate * ((conv.kernel_size[0] - 1) // 2)
                conv.padding = (pad, pad)
        return layers

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """The selected layers' outputs."""
        outs = []
        for i, layer_name in enumerate(self.layers):
            x = getattr(self, layer_name)(x)
            if i in self.out_indices:
                outs.append(x)
        return outs

    def _freeze_stages(self) -> None:
        for i in range(self.frozen_stages + 1):
            freeze(getattr(self, f'layer{i}'))
