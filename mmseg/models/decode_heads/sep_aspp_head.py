import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .aspp_head import ASPPHead, ASPPModule


class DepthwiseSeparableASPPModule(ASPPModule):
    """ASPP whose dilated branches are depthwise-separable convs."""

    @staticmethod
    def branch(dilation: int, in_channels: int, channels: int, conv_cfg,
               norm_cfg, act_cfg) -> nn.Module:
        if dilation == 1:
            return ASPPModule.branch(dilation, in_channels, channels,
                                     conv_cfg, norm_cfg, act_cfg)
        return DepthwiseSeparableConvModule(
            in_channels, channels, 3, dilation=dilation, padding=dilation,
            norm_cfg=norm_cfg, act_cfg=act_cfg)


@MODELS.register_module()
class DepthwiseSeparableASPPHead(ASPPHead):
    """DeepLabV3+'s head (arXiv:1802.02611): separable ASPP, then a decoder
    that fuses the upsampled ASPP output with low-level features.

    Args:
        c1_in_channels: Channels of the low-level features (backbone output
            0); 0 disables the fusion.
        c1_channels: Channels the low-level features are reduced to.
    """

    aspp_module = DepthwiseSeparableASPPModule

    def __init__(self, c1_in_channels: int, c1_channels: int, **kwargs):
        super().__init__(**kwargs)
        assert c1_in_channels >= 0
        common = dict(norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        self.c1_bottleneck = ConvModule(
            c1_in_channels, c1_channels, 1, conv_cfg=self.conv_cfg,
            **common) if c1_in_channels > 0 else None
        self.sep_bottleneck = nn.Sequential(
            DepthwiseSeparableConvModule(self.channels + c1_channels,
                                         self.channels, 3, padding=1,
                                         **common),
            DepthwiseSeparableConvModule(self.channels, self.channels, 3,
                                         padding=1, **common))

    def _forward_feature(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg``, at the low-level features' size."""
        output = self._aspp(self._transform_inputs(inputs))
        if self.c1_bottleneck is not None:
            c1_output = self.c1_bottleneck(inputs[0])
            output = resize(output, size=c1_output.shape[2:],
                            mode='bilinear', align_corners=self.align_corners)
            output = torch.cat([output, c1_output], dim=1)
        return self.sep_bottleneck(output)
