from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import Upsample, resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


@MODELS.register_module()
class FPNHead(BaseDecodeHead):
    """Semantic FPN's head (arXiv:1901.02446).

    Each level goes through 3x3 convs, each followed by a 2x upsampling,
    until it reaches the finest level's stride; the levels are summed.

    Args:
        feature_strides: Stride of each input level (powers of 2, the
            first one the smallest).
    """

    def __init__(self, feature_strides: Sequence[int], **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        if len(feature_strides) != len(self.in_channels):
            raise ValueError(
                f'feature_strides {tuple(feature_strides)} needs one stride '
                f'per level of in_channels {tuple(self.in_channels)}')
        if min(feature_strides) != feature_strides[0]:
            raise ValueError('feature_strides must start with the smallest '
                             f'stride, got {tuple(feature_strides)}')
        self.feature_strides = feature_strides
        self.scale_heads = nn.ModuleList()
        for in_channels, stride in zip(self.in_channels, feature_strides):
            upsamples = int(np.log2(stride) - np.log2(feature_strides[0]))
            layers = []
            for k in range(max(1, upsamples)):
                layers.append(ConvModule(
                    in_channels if k == 0 else self.channels, self.channels,
                    3, padding=1, conv_cfg=self.conv_cfg,
                    norm_cfg=self.norm_cfg, act_cfg=self.act_cfg))
                if stride != feature_strides[0]:
                    layers.append(Upsample(scale_factor=2, mode='bilinear',
                                           align_corners=self.align_corners))
            self.scale_heads.append(nn.Sequential(*layers))

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        out = self.scale_heads[0](x[0])
        for head, level in zip(self.scale_heads[1:], x[1:]):
            out = out + resize(head(level), size=out.shape[2:],
                               mode='bilinear',
                               align_corners=self.align_corners)
        return self.cls_seg(out)
