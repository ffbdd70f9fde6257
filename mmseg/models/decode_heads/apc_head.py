from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


class ACM(nn.Module):
    """Adaptive context module: each pixel weighs the cells of a
    ``pool_scale`` x ``pool_scale`` pooling by learned affinities.

    Args:
        pool_scale: Output size of the region pooling.
        fusion: Add a 1x1 conv after the residual sum.
        in_channels: Input channels.
        channels: Output channels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, pool_scale: int, fusion: bool, in_channels: int,
                 channels: int, conv_cfg, norm_cfg, act_cfg):
        super().__init__()
        self.pool_scale = pool_scale
        self.fusion = fusion
        self.in_channels = in_channels
        self.channels = channels

        def conv1x1(cin):
            return ConvModule(cin, channels, 1, conv_cfg=conv_cfg,
                              norm_cfg=norm_cfg, act_cfg=act_cfg)

        self.pooled_redu_conv = conv1x1(in_channels)
        self.input_redu_conv = conv1x1(in_channels)
        self.global_info = conv1x1(channels)
        self.gla = nn.Conv2d(channels, pool_scale**2, 1)
        self.residual_conv = conv1x1(channels)
        if fusion:
            self.fusion_conv = conv1x1(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.pooled_redu_conv(
            F.adaptive_avg_pool2d(x, self.pool_scale))
        x = self.input_redu_conv(x)
        n, c, h, w = x.shape
        global_info = resize(self.global_info(F.adaptive_avg_pool2d(x, 1)),
                             size=(h, w))
        # (N, h*w, pool_scale**2): each pixel's weights over the cells
        affinity = self.gla(x + global_info).permute(0, 2, 3, 1).reshape(
            n, -1, self.pool_scale**2).sigmoid()
        context = torch.matmul(affinity, pooled.flatten(2).transpose(1, 2))
        context = context.transpose(1, 2).reshape(n, c, h, w)
        out = F.relu(self.residual_conv(context) + x)
        return self.fusion_conv(out) if self.fusion else out


@MODELS.register_module()
class APCHead(BaseDecodeHead):
    """Adaptive pyramid context head (APCNet, He et al., CVPR 2019).

    Args:
        pool_scales: Region pooling sizes, one ACM each.
        fusion: Add a fusion conv in each ACM.
    """

    def __init__(self, pool_scales: Sequence[int] = (1, 2, 3, 6),
                 fusion: bool = True, **kwargs):
        super().__init__(**kwargs)
        assert isinstance(pool_scales, (list, tuple))
        self.pool_scales = pool_scales
        self.fusion = fusion
        self.acm_modules = nn.ModuleList(
            ACM(scale, fusion, self.in_channels, self.channels,
                conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg) for scale in pool_scales)
        self.bottleneck = ConvModule(
            self.in_channels + len(pool_scales) * self.channels,
            self.channels, 3, padding=1, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        feats = torch.cat([x, *(acm(x) for acm in self.acm_modules)], dim=1)
        return self.cls_seg(self.bottleneck(feats))
