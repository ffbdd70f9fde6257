from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer

from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


class DCM(nn.Module):
    """Dynamic convolutional module: a depthwise ``filter_size`` filter
    per image and channel, generated from the pooled input.

    Args:
        filter_size: Size of the generated filters.
        fusion: Add a 1x1 conv after the filtering.
        in_channels: Input channels.
        channels: Output channels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, filter_size: int, fusion: bool, in_channels: int,
                 channels: int, conv_cfg, norm_cfg, act_cfg):
        super().__init__()
        self.filter_size = filter_size
        self.fusion = fusion
        self.in_channels = in_channels
        self.channels = channels
        self.filter_gen_conv = nn.Conv2d(in_channels, channels, 1)
        self.input_redu_conv = ConvModule(in_channels, channels, 1,
                                          conv_cfg=conv_cfg,
                                          norm_cfg=norm_cfg,
                                          act_cfg=act_cfg)
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, channels)[1]
        self.activate = build_activation_layer(act_cfg)
        if fusion:
            self.fusion_conv = ConvModule(channels, channels, 1,
                                          conv_cfg=conv_cfg,
                                          norm_cfg=norm_cfg,
                                          act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = self.filter_size
        filters = self.filter_gen_conv(F.adaptive_avg_pool2d(x, size))
        x = self.input_redu_conv(x)
        n, c, h, w = x.shape
        # an even filter pads one more on the top and left
        pad = (size - 1) // 2
        extra = (size - 1) % 2
        x = F.pad(x.reshape(1, n * c, h, w),
                  (pad + extra, pad, pad + extra, pad))
        out = F.conv2d(x, filters.reshape(n * c, 1, size, size),
                       groups=n * c).reshape(n, c, h, w)
        if self.norm is not None:
            out = self.norm(out)
        out = self.activate(out)
        return self.fusion_conv(out) if self.fusion else out


@MODELS.register_module()
class DMHead(BaseDecodeHead):
    """Dynamic multi-scale filters head (DMNet, He et al., ICCV 2019).

    Args:
        filter_sizes: Sizes of the generated filters, one DCM each.
        fusion: Add a fusion conv in each DCM.
    """

    def __init__(self, filter_sizes: Sequence[int] = (1, 3, 5, 7),
                 fusion: bool = False, **kwargs):
        super().__init__(**kwargs)
        assert isinstance(filter_sizes, (list, tuple))
        self.filter_sizes = filter_sizes
        self.fusion = fusion
        self.dcm_modules = nn.ModuleList(
            DCM(size, fusion, self.in_channels, self.channels,
                conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg) for size in filter_sizes)
        self.bottleneck = ConvModule(
            self.in_channels + len(filter_sizes) * self.channels,
            self.channels, 3, padding=1, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        feats = torch.cat([x, *(dcm(x) for dcm in self.dcm_modules)], dim=1)
        return self.cls_seg(self.bottleneck(feats))
