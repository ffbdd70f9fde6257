"""Fast-SCNN (arXiv:1902.04502): a shallow high-resolution branch and a
deep low-resolution one, fused once."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from ..decode_heads.psp_head import PPM
from ..utils import InvertedResidual
from ..utils.pretrained import CONV_NORM_INIT


class LearningToDownsample(nn.Module):
    """A 3x3 stride-2 conv, then two stride-2 depth-wise separable convs.

    Args:
        in_channels: Input channels.
        dw_channels: Outputs of the first conv and the first separable conv.
        out_channels: Output channels.
        conv_cfg: Conv layer config (of the first conv).
        norm_cfg: Norm layer config.
        act_cfg: Activation of the first conv.
        dw_act_cfg: Activation after the depth-wise convs (none if None).
    """

    def __init__(self,
                 in_channels: int,
                 dw_channels: Sequence[int],
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 dw_act_cfg: Optional[dict] = None):
        super().__init__()
        self.conv = ConvModule(in_channels, dw_channels[0], 3, stride=2,
                               padding=1, conv_cfg=conv_cfg,
                               norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.dsconv1 = DepthwiseSeparableConvModule(
            dw_channels[0], dw_channels[1], 3, stride=2, padding=1,
            norm_cfg=norm_cfg, dw_act_cfg=dw_act_cfg)
        self.dsconv2 = DepthwiseSeparableConvModule(
            dw_channels[1], out_channels, 3, stride=2, padding=1,
            norm_cfg=norm_cfg, dw_act_cfg=dw_act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dsconv2(self.dsconv1(self.conv(x)))


class GlobalFeatureExtractor(nn.Module):
    """Three groups of inverted residual blocks, pyramid pooling and a
    3x3 fusion conv.

    Args:
        in_channels: Input channels.
        block_channels: Output channels of each group (three).
        out_channels: Output channels.
        expand_ratio: Expansion of the inverted residual blocks.
        num_blocks: Blocks of each group (three).
        strides: Stride of each group's first block.
        pool_scales: Output sizes of the pyramid poolings.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        align_corners: ``align_corners`` of the upsampling.
    """

    def __init__(self,
                 in_channels: int = 64,
                 block_channels: Sequence[int] = (64, 96, 128),
                 out_channels: int = 128,
                 expand_ratio: int = 6,
                 num_blocks: Sequence[int] = (3, 3, 3),
                 strides: Sequence[int] = (2, 2, 1),
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False):
        super().__init__()
        if not len(block_channels) == len(num_blocks) == 3:
            raise ValueError(
                'GlobalFeatureExtractor: block_channels and num_blocks need '
                f'3 entries, got {len(block_channels)} and {len(num_blocks)}')
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        channels = [in_channels, *block_channels]
        for i in range(3):
            self.add_module(f'bottleneck{i + 1}', self._make_layer(
                channels[i], channels[i + 1], num_blocks[i], strides[i],
                expand_ratio))
        self.ppm = PPM(pool_scales, block_channels[2],
                       block_channels[2] // 4, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=act_cfg,
                       align_corners=align_corners)
        self.out = ConvModule(block_channels[2] * 2, out_channels, 3,
                              padding=1, conv_cfg=conv_cfg,
                              norm_cfg=norm_cfg, act_cfg=act_cfg)

    def _make_layer(self, in_channels: int, out_channels: int, blocks: int,
                    stride: int = 1, expand_ratio: int = 6
                    ) -> nn.Sequential:
        return nn.Sequential(*[
            InvertedResidual(in_channels if i == 0 else out_channels,
                             out_channels, stride if i == 0 else 1,
                             expand_ratio, norm_cfg=self.norm_cfg,
                             act_cfg=self.act_cfg) for i in range(blocks)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bottleneck3(self.bottleneck2(self.bottleneck1(x)))
        return self.out(torch.cat([x, *self.ppm(x)], dim=1))


class FeatureFusionModule(nn.Module):
    """Adds the upsampled low-resolution features (depth-wise 3x3, then
    1x1) to the high-resolution ones (1x1), then ReLU.

    Args:
        higher_in_channels: Channels of the high-resolution input.
        lower_in_channels: Channels of the low-resolution input.
        out_channels: Output channels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        dwconv_act_cfg: Activation of the depth-wise conv.
        conv_act_cfg: Activation of the two 1x1 convs.
        align_corners: ``align_corners`` of the upsampling.
    """

    def __init__(self,
                 higher_in_channels: int,
                 lower_in_channels: int,
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 dwconv_act_cfg: Optional[dict] = dict(type='ReLU'),
                 conv_act_cfg: Optional[dict] = None,
                 align_corners: bool = False):
        super().__init__()
        self.align_corners = align_corners
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.dwconv = ConvModule(lower_in_channels, out_channels, 3,
                                 padding=1, groups=out_channels,
                                 act_cfg=dwconv_act_cfg, **common)
        self.conv_lower_res = ConvModule(out_channels, out_channels, 1,
                                         act_cfg=conv_act_cfg, **common)
        self.conv_higher_res = ConvModule(higher_in_channels, out_channels,
                                          1, act_cfg=conv_act_cfg, **common)
        self.relu = nn.ReLU(True)

    def forward(self, higher_res_feature: torch.Tensor,
                lower_res_feature: torch.Tensor) -> torch.Tensor:
        lower = resize(lower_res_feature,
                       size=higher_res_feature.shape[2:], mode='bilinear',
                       align_corners=self.align_corners)
        lower = self.conv_lower_res(self.dwconv(lower))
        return self.relu(self.conv_higher_res(higher_res_feature) + lower)


@MODELS.register_module()
class FastSCNN(BaseModule):
    """Fast-SCNN: ``learning_to_downsample`` (stride 8),
    ``global_feature_extractor`` (stride 32) and ``feature_fusion``.

    Args:
        in_channels: Input image channels.
        downsample_dw_channels: The two inner widths of the downsampling.
        global_in_channels: Output of the downsampling, input of the global
            feature extractor.
        global_block_channels: Widths of the extractor's three groups.
        global_block_strides: Strides of the extractor's three groups.
        global_out_channels: Output of the global feature extractor.
        higher_in_channels: High-resolution input of the fusion; must equal
            ``global_in_channels``.
        lower_in_channels: Low-resolution input of the fusion; must equal
            ``global_out_channels``.
        fusion_out_channels: Output of the fusion.
        out_indices: Which of (high-resolution features, low-resolution
            features, fusion output) are returned.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        align_corners: ``align_corners`` of the upsampling.
        dw_act_cfg: Activation after the downsampling's depth-wise convs.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 downsample_dw_channels: Sequence[int] = (32, 48),
                 global_in_channels: int = 64,
                 global_block_channels: Sequence[int] = (64, 96, 128),
                 global_block_strides: Sequence[int] = (2, 2, 1),
                 global_out_channels: int = 128,
                 higher_in_channels: int = 64,
                 lower_in_channels: int = 128,
                 fusion_out_channels: int = 128,
                 out_indices: Sequence[int] = (0, 1, 2),
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False,
                 dw_act_cfg: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(CONV_NORM_INIT if init_cfg is None else init_cfg)
        if global_in_channels != higher_in_channels:
            raise ValueError(
                f'FastSCNN: higher_in_channels ({higher_in_channels}) must '
                f'equal global_in_channels ({global_in_channels})')
        if global_out_channels != lower_in_channels:
            raise ValueError(
                f'FastSCNN: lower_in_channels ({lower_in_channels}) must '
                f'equal global_out_channels ({global_out_channels})')
        self.in_channels = in_channels
        self.out_indices = out_indices
        self.align_corners = align_corners
        self.learning_to_downsample = LearningToDownsample(
            in_channels, downsample_dw_channels, global_in_channels,
            conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg,
            dw_act_cfg=dw_act_cfg)
        self.global_feature_extractor = GlobalFeatureExtractor(
            global_in_channels, global_block_channels, global_out_channels,
            strides=global_block_strides, conv_cfg=conv_cfg,
            norm_cfg=norm_cfg, act_cfg=act_cfg, align_corners=align_corners)
        self.feature_fusion = FeatureFusionModule(
            higher_in_channels, lower_in_channels, fusion_out_channels,
            conv_cfg=conv_cfg, norm_cfg=norm_cfg, dwconv_act_cfg=act_cfg,
            align_corners=align_corners)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        higher = self.learning_to_downsample(x)
        lower = self.global_feature_extractor(higher)
        outs = (higher, lower, self.feature_fusion(higher, lower))
        return tuple(outs[i] for i in self.out_indices)
