from typing import List, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


class ASPPModule(nn.ModuleList):
    """Parallel atrous convs: 1x1 for dilation 1, else dilated 3x3.

    Args:
        dilations: Dilation of each branch.
        in_channels: Input channels.
        channels: Output channels of each branch.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, dilations: Sequence[int], in_channels: int,
                 channels: int, conv_cfg, norm_cfg, act_cfg):
        super().__init__()
        for dilation in dilations:
            self.append(self.branch(dilation, in_channels, channels,
                                    conv_cfg, norm_cfg, act_cfg))

    @staticmethod
    def branch(dilation: int, in_channels: int, channels: int, conv_cfg,
               norm_cfg, act_cfg) -> nn.Module:
        """The conv of one dilation."""
        kernel = 1 if dilation == 1 else 3
        return ConvModule(in_channels, channels, kernel, dilation=dilation,
                          padding=0 if dilation == 1 else dilation,
                          conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        return [branch(x) for branch in self]


@MODELS.register_module()
class ASPPHead(BaseDecodeHead):
    """DeepLabV3's atrous spatial pyramid pooling head (arXiv:1706.05587).

    Args:
        dilations: Dilations of the ASPP branches, besides image pooling.
    """

    aspp_module = ASPPModule

    def __init__(self, dilations: Sequence[int] = (1, 6, 12, 18), **kwargs):
        super().__init__(**kwargs)
        assert isinstance(dilations, (list, tuple))
        self.dilations = dilations
        common = dict(conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                      act_cfg=self.act_cfg)
        self.image_pool = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            ConvModule(self.in_channels, self.channels, 1, **common))
        self.aspp_modules = self.aspp_module(dilations, self.in_channels,
                                             self.channels, **common)
        self.bottleneck = ConvModule(
            (len(dilations) + 1) * self.channels, self.channels, 3,
            padding=1, **common)

    def _aspp(self, x: torch.Tensor) -> torch.Tensor:
        """Image pooling and the ASPP branches, fused by ``bottleneck``."""
        pooled = resize(self.image_pool(x), size=x.shape[2:],
                        mode='bilinear', align_corners=self.align_corners)
        return self.bottleneck(torch.cat([pooled, *self.aspp_modules(x)],
                                         dim=1))

    def _forward_feature(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg``."""
        return self._aspp(self._transform_inputs(inputs))

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._forward_feature(inputs))
