"""Squeeze-and-excitation (arXiv:1709.01507), as MobileNetV3 uses it."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.utils import is_tuple_of

from .make_divisible import make_divisible


class SELayer(nn.Module):
    """Scale each channel by a gate computed from the global average.

    Args:
        channels: Input and output channels.
        ratio: The squeezed width is ``make_divisible(channels // ratio, 8)``.
        conv_cfg: Conv layer config.
        act_cfg: Activations after the squeeze and the excitation conv; one
            dict is used for both.
    """

    def __init__(self,
                 channels: int,
                 ratio: int = 16,
                 conv_cfg: Optional[dict] = None,
                 act_cfg: Union[dict, Sequence[dict]] = (
                     dict(type='ReLU'),
                     dict(type='HSigmoid', bias=3.0, divisor=6.0))):
        super().__init__()
        if isinstance(act_cfg, dict):
            act_cfg = (act_cfg, act_cfg)
        act_cfg = tuple(act_cfg)
        if len(act_cfg) != 2 or not is_tuple_of(act_cfg, dict):
            raise TypeError('SELayer: act_cfg must be a dict or two dicts '
                            f'(squeeze, excitation), got {act_cfg!r}')
        squeezed = make_divisible(channels // ratio, 8)
        self.global_avgpool = nn.AdaptiveAvgPool2d(1)
        self.conv1 = ConvModule(channels, squeezed, 1, conv_cfg=conv_cfg,
                                act_cfg=act_cfg[0])
        self.conv2 = ConvModule(squeezed, channels, 1, conv_cfg=conv_cfg,
                                act_cfg=act_cfg[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.conv2(self.conv1(self.global_avgpool(x)))
