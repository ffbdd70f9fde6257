from typing import List, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead
from .psp_head import PPM


@MODELS.register_module()
class UPerHead(BaseDecodeHead):
    """UPerNet's head (arXiv:1807.10221): pyramid pooling on the last level,
    then an FPN over all levels, fused at the first level's size.

    Always takes several levels (``input_transform='multiple_select'``).

    Args:
        pool_scales: Output sizes of the pyramid poolings.
    """

    def __init__(self, pool_scales: Sequence[int] = (1, 2, 3, 6), **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        common = dict(conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                      act_cfg=self.act_cfg)
        top_channels = self.in_channels[-1]
        self.psp_modules = PPM(pool_scales, top_channels, self.channels,
                               align_corners=self.align_corners, **common)
        self.bottleneck = ConvModule(
            top_channels + len(pool_scales) * self.channels, self.channels,
            3, padding=1, **common)
        self.lateral_convs = nn.ModuleList(
            ConvModule(channels, self.channels, 1, inplace=False, **common)
            for channels in self.in_channels[:-1])
        self.fpn_convs = nn.ModuleList(
            ConvModule(self.channels, self.channels, 3, padding=1,
                       inplace=False, **common)
            for _ in self.in_channels[:-1])
        self.fpn_bottleneck = ConvModule(
            len(self.in_channels) * self.channels, self.channels, 3,
            padding=1, **common)

    def psp_forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        """Pyramid pooling of the last level."""
        x = inputs[-1]
        return self.bottleneck(torch.cat([x, *self.psp_modules(x)], dim=1))

    def _up(self, x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        return resize(x, size=like.shape[2:], mode='bilinear',
                      align_corners=self.align_corners)

    def _forward_feature(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg``, at the first level's size."""
        inputs = self._transform_inputs(inputs)
        laterals = [conv(inputs[i])
                    for i, conv in enumerate(self.lateral_convs)]
        laterals.append(self.psp_forward(inputs))
        # top-down: each level adds the upsampled level above it
        for i in range(len(laterals) - 1, 0, -1):
            laterals[i - 1] = laterals[i - 1] + self._up(laterals[i],
                                                         laterals[i - 1])
        outs = [conv(laterals[i]) for i, conv in enumerate(self.fpn_convs)]
        outs.append(laterals[-1])
        outs = [outs[0]] + [self._up(out, outs[0]) for out in outs[1:]]
        return self.fpn_bottleneck(torch.cat(outs, dim=1))

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._forward_feature(inputs))
