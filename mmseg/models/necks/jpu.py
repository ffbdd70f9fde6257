from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS


@MODELS.register_module()
class JPU(BaseModule):
    """FastFCN's joint pyramid upsampling (arXiv:1903.11816).

    The used levels are convolved to ``mid_channels``, resized to the first
    one and concatenated; dilated depthwise-separable convs of it are
    concatenated as the last output, the other levels pass through.

    Args:
        in_channels: Channels of each input level.
        mid_channels: Output channels of each conv.
        start_level: First input level used.
        end_level: Last input level used, exclusive (-1: all).
        dilations: Dilation of each depthwise-separable conv.
        align_corners: ``align_corners`` of the resizes.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: Tuple[int, ...] = (512, 1024, 2048),
                 mid_channels: int = 512,
                 start_level: int = 0,
                 end_level: int = -1,
                 dilations: Tuple[int, ...] = (1, 2, 4, 8),
                 align_corners: bool = False,
                 conv_cfg=None,
                 norm_cfg=dict(type='BN'),
                 act_cfg=dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, tuple) or \
                not isinstance(dilations, tuple):
            raise TypeError('JPU: in_channels and dilations must be tuples, '
                            f'got {in_channels!r} and {dilations!r}')
        self.in_channels = in_channels
        self.mid_channels = mid_channels
        self.start_level = start_level
        self.num_ins = len(in_channels)
        if end_level == -1:
            self.backbone_end_level = self.num_ins
        else:
            assert end_level <= len(in_channels), \
                'JPU: end_level is past the last input level'
            self.backbone_end_level = end_level
        self.dilations = dilations
        self.align_corners = align_corners
        self.conv_layers = nn.ModuleList(
            nn.Sequential(ConvModule(
                in_channels[i], mid_channels, 3, padding=1,
                conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg))
            for i in range(start_level, self.backbone_end_level))
        fused = (self.backbone_end_level - start_level) * mid_channels
        self.dilation_layers = nn.ModuleList(
            nn.Sequential(DepthwiseSeparableConvModule(
                fused, mid_channels, 3, stride=1, padding=d, dilation=d,
                dw_norm_cfg=norm_cfg, dw_act_cfg=None, pw_norm_cfg=norm_cfg,
                pw_act_cfg=act_cfg)) for d in dilations)

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        assert len(inputs) == len(self.in_channels), \
            f'JPU expects {len(self.in_channels)} input levels'
        feats = [
            conv(inputs[self.start_level + i])
            for i, conv in enumerate(self.conv_layers)
        ]
        size = feats[0].shape[2:]
        feats = [feats[0]] + [
            resize(f, size=size, mode='bilinear',
                   align_corners=self.align_corners) for f in feats[1:]
        ]
        feat = torch.cat(feats, dim=1)
        fused = torch.cat([layer(feat) for layer in self.dilation_layers],
                          dim=1)
        return (*inputs[self.start_level:self.backbone_end_level - 1], fused)
