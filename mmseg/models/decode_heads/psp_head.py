from typing import List, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


class PPM(nn.ModuleList):
    """Pyramid pooling: average-pool to each scale, 1x1 conv, upsample back.

    Args:
        pool_scales: Output sizes of the poolings.
        in_channels: Input channels.
        channels: Output channels of each branch.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        align_corners: ``align_corners`` of the upsampling.
    """

    def __init__(self, pool_scales: Sequence[int], in_channels: int,
                 channels: int, conv_cfg, norm_cfg, act_cfg,
                 align_corners: bool):
        super().__init__()
        self.align_corners = align_corners
        for scale in pool_scales:
            self.append(nn.Sequential(
                nn.AdaptiveAvgPool2d(scale),
                ConvModule(in_channels, channels, 1, conv_cfg=conv_cfg,
                           norm_cfg=norm_cfg, act_cfg=act_cfg)))

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [resize(branch(x), size=x.shape[2:], mode='bilinear',
                       align_corners=self.align_corners) for branch in self]


@MODELS.register_module()
class PSPHead(BaseDecodeHead):
    """PSPNet's pyramid pooling head (arXiv:1612.01105).

    Args:
        pool_scales: Output sizes of the pyramid poolings.
    """

    def __init__(self, pool_scales: Sequence[int] = (1, 2, 3, 6), **kwargs):
        super().__init__(**kwargs)
        assert isinstance(pool_scales, (list, tuple))
        self.pool_scales = pool_scales
        self.psp_modules = PPM(pool_scales, self.in_channels, self.channels,
                               self.conv_cfg, self.norm_cfg, self.act_cfg,
                               self.align_corners)
        self.bottleneck = ConvModule(
            self.in_channels + len(pool_scales) * self.channels,
            self.channels, 3, padding=1, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)

    def _forward_feature(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg``."""
        x = self._transform_inputs(inputs)
        return self.bottleneck(torch.cat([x, *self.psp_modules(x)], dim=1))

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._forward_feature(inputs))
