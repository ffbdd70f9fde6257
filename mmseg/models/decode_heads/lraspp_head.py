"""Lite R-ASPP, MobileNetV3's segmentation head (arXiv:1905.02244)."""
from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.utils import is_tuple_of

from mmseg.ops import resize
from mmseg.registry import MODELS

from .cac_head import build_projection
from .decode_head import BaseDecodeHead


@MODELS.register_module()
class LRASPPHead(BaseDecodeHead):
    """The deepest input, 1x1 conv-norm-act (``aspp_conv``), is gated by a
    sigmoid of its large-window average (``image_pool``), then upsampled
    through the shallower inputs, fusing each (``convs``, ``conv_ups``)
    from the deepest to the shallowest.

    ``input_transform`` must be ``'multiple_select'``; the image pooling's
    49x49 window needs a deepest input of at least 49x49 pixels.

    With CAC (a ``cac`` key), the projection branch sees the deepest input
    only (output stride 8): concatenating all inputs at the shallowest
    one's stride 2 would cost ~1000 channels per high-resolution pixel, and
    the shallow inputs carry edges rather than the class evidence the
    contrastive loss compares. The confidence branch is a full copy.

    Args:
        branch_channels: Channels of the 1x1 conv of each shallower input
            (one fewer than the inputs).
    """

    def __init__(self, branch_channels: Sequence[int] = (32, 64), **kwargs):
        super().__init__(**kwargs)
        if self.input_transform != 'multiple_select':
            raise ValueError(
                "LRASPPHead: input_transform must be 'multiple_select', got "
                f'{self.input_transform!r}')
        branch_channels = tuple(branch_channels)
        if not is_tuple_of(branch_channels, int) or \
                len(branch_channels) != len(self.in_channels) - 1:
            raise ValueError(
                'LRASPPHead: branch_channels needs one int per input but the '
                f'last ({len(self.in_channels) - 1}), got {branch_channels}')
        self.branch_channels = branch_channels
        self.convs = nn.Sequential()
        self.conv_ups = nn.Sequential()
        for i, channels in enumerate(branch_channels):
            self.convs.add_module(f'conv{i}', nn.Conv2d(
                self.in_channels[i], channels, 1, bias=False))
            self.conv_ups.add_module(f'conv_up{i}', ConvModule(
                self.channels + channels, self.channels, 1,
                norm_cfg=self.norm_cfg, act_cfg=self.act_cfg, bias=False))
        self.conv_up_input = nn.Conv2d(self.channels, self.channels, 1)
        self.aspp_conv = ConvModule(self.in_channels[-1], self.channels, 1,
                                    norm_cfg=self.norm_cfg,
                                    act_cfg=self.act_cfg, bias=False)
        self.image_pool = nn.Sequential(
            nn.AvgPool2d(kernel_size=49, stride=(16, 20)),
            ConvModule(self.in_channels[-1], self.channels, 1,
                       act_cfg=dict(type='Sigmoid'), bias=False))

    def add_cac(self, confidence_branch: nn.Module, proj_channel: int = 256,
                weight: float = 1.0) -> None:
        """CAC's branches, the projection sized for the deepest input."""
        super().add_cac(confidence_branch, proj_channel, weight)
        self.proj = build_projection(self.in_channels[-1], proj_channel,
                                     self.conv_cfg, self.norm_cfg,
                                     self.act_cfg)

    def projection_input(self, inputs) -> torch.Tensor:
        """CAC's projection input: the deepest selected input."""
        return self._transform_inputs(inputs)[-1]

    def forward(self, inputs) -> torch.Tensor:
        inputs = self._transform_inputs(inputs)
        x = inputs[-1]
        if min(x.shape[2:]) < 49:
            raise ValueError(
                'LRASPPHead: the deepest input must be at least 49x49 for '
                f'the image pooling, got {tuple(x.shape[2:])}; use larger '
                'crops (>= 392 px at output stride 8)')
        gate = resize(self.image_pool(x), size=x.shape[2:], mode='bilinear',
                      align_corners=self.align_corners)
        x = self.conv_up_input(self.aspp_conv(x) * gate)
        for i in reversed(range(len(self.branch_channels))):
            x = resize(x, size=inputs[i].shape[2:], mode='bilinear',
                       align_corners=self.align_corners)
            x = self.conv_ups[i](torch.cat([x, self.convs[i](inputs[i])], 1))
        return self.cls_seg(x)
