"""BiSeNetV1 (arXiv:1808.00897): a spatial path and a context path on any
backbone, fused by a feature fusion module; 0.28 key names."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

BN = dict(type='BN')
RELU = dict(type='ReLU')


class SpatialPath(BaseModule):
    """Three stride-2 convs (7x7, 3x3, 3x3) and a 1x1 conv: stride 8.

    Args:
        in_channels: Input image channels.
        num_channels: Output channels of the four layers.
    """

    def __init__(self, in_channels: int = 3,
                 num_channels: Sequence[int] = (64, 64, 64, 128),
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if len(num_channels) != 4:
            raise ValueError('SpatialPath: spatial_channels needs 4 values, '
                             f'got {tuple(num_channels)}')
        specs = [(7, 2, 3), (3, 2, 1), (3, 2, 1), (1, 1, 0)]
        self.layers = []
        for i, (kernel, stride, padding) in enumerate(specs):
            name = f'layer{i + 1}'
            self.add_module(name, ConvModule(
                in_channels if i == 0 else num_channels[i - 1],
                num_channels[i], kernel, stride=stride, padding=padding,
                conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg))
            self.layers.append(name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for name in self.layers:
            x = getattr(self, name)(x)
        return x


class AttentionRefinementModule(BaseModule):
    """3x3 conv, then a channel attention from its global average.

    Args:
        in_channels: Input channels.
        out_channel: Output channels.
    """

    def __init__(self, in_channels: int, out_channel: int,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv_layer = ConvModule(in_channels, out_channel, 3, padding=1,
                                     conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                     act_cfg=act_cfg)
        self.atten_conv_layer = nn.Sequential(
            nn.AdaptiveAvgPool2d((1, 1)),
            ConvModule(out_channel, out_channel, 1, bias=False,
                       conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=None),
            nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_layer(x)
        return x * self.atten_conv_layer(x)


class ContextPath(BaseModule):
    """A backbone's stride-16 and stride-32 outputs refined by ARMs and a
    global context, upsampled to strides 8 and 16.

    Args:
        backbone_cfg: Config of the backbone (four outputs).
        context_channels: Channels of the ARM outputs and of the backbone's
            last two outputs.
        align_corners: Kept for 0.28's signature; the upsampling is nearest.
    """

    def __init__(self, backbone_cfg: dict,
                 context_channels: Sequence[int] = (128, 256, 512),
                 align_corners: bool = False,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if len(context_channels) != 3:
            raise ValueError('ContextPath: context_channels needs 3 values, '
                             f'got {tuple(context_channels)}')
        self.backbone = MODELS.build(backbone_cfg)
        self.align_corners = align_corners
        mid, c16, c32 = context_channels
        # 0.28 builds the ARMs with their default norm, whatever norm_cfg is
        self.arm16 = AttentionRefinementModule(c16, mid)
        self.arm32 = AttentionRefinementModule(c32, mid)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv_head32 = ConvModule(mid, mid, 3, padding=1, **common)
        self.conv_head16 = ConvModule(mid, mid, 3, padding=1, **common)
        self.gap_conv = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)),
                                      ConvModule(c32, mid, 1, **common))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        _, x_8, x_16, x_32 = self.backbone(x)
        x_32_sum = self.arm32(x_32) + self.gap_conv(x_32)
        x_32_up = self.conv_head32(
            resize(x_32_sum, size=x_16.shape[2:], mode='nearest'))
        x_16_sum = self.arm16(x_16) + x_32_up
        x_16_up = self.conv_head16(
            resize(x_16_sum, size=x_8.shape[2:], mode='nearest'))
        return x_16_up, x_32_up


class FeatureFusionModule(BaseModule):
    """Concatenate both paths, 1x1 conv, add a channel-attended copy.

    Args:
        in_channels: Channels of the two paths together.
        out_channels: Output channels.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv1 = ConvModule(in_channels, out_channels, 1, **common)
        self.gap = nn.AdaptiveAvgPool2d((1, 1))
        self.conv_atten = nn.Sequential(
            ConvModule(out_channels, out_channels, 1, bias=False, **common),
            nn.Sigmoid())

    def forward(self, x_sp: torch.Tensor, x_cp: torch.Tensor
                ) -> torch.Tensor:
        x_fuse = self.conv1(torch.cat([x_sp, x_cp], dim=1))
        return x_fuse * self.conv_atten(self.gap(x_fuse)) + x_fuse


@MODELS.register_module()
class BiSeNetV1(BaseModule):
    """BiSeNetV1 backbone (arXiv:1808.00897).

    Outputs, in order: the fused features (stride 8), the context path's
    stride-8 and stride-16 features, of which ``out_indices`` selects.

    Args:
        backbone_cfg: Config of the context path's backbone.
        in_channels: Input image channels.
        spatial_channels: Channels of the spatial path's four layers.
        context_channels: Channels of the context path (see
            :class:`ContextPath`).
        out_indices: Outputs to return.
        align_corners: Kept for 0.28's signature.
        out_channels: Channels of the fused output;
            ``spatial_channels[-1] + context_channels[0]`` must equal
            ``context_channels[1]``, the fusion module's input.
        conv_cfg: Conv layer config (stored, as in 0.28).
        norm_cfg: Norm layer config (stored, as in 0.28: the paths use BN).
        act_cfg: Activation config (stored, as in 0.28).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 backbone_cfg: dict,
                 in_channels: int = 3,
                 spatial_channels: Sequence[int] = (64, 64, 64, 128),
                 context_channels: Sequence[int] = (128, 256, 512),
                 out_indices: Sequence[int] = (0, 1, 2),
                 align_corners: bool = False,
                 out_channels: int = 256,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 act_cfg: dict = RELU,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if len(spatial_channels) != 4 or len(context_channels) != 3:
            raise ValueError(
                'BiSeNetV1: spatial_channels needs 4 values and '
                f'context_channels 3, got {tuple(spatial_channels)} and '
                f'{tuple(context_channels)}')
        self.out_indices = out_indices
        self.align_corners = align_corners
        self.context_path = ContextPath(backbone_cfg, context_channels,
                                        align_corners)
        self.spatial_path = SpatialPath(in_channels, spatial_channels)
        self.ffm = FeatureFusionModule(context_channels[1], out_channels)
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x_context8, x_context16 = self.context_path(x)
        x_fuse = self.ffm(self.spatial_path(x), x_context8)
        outs = (x_fuse, x_context8, x_context16)
        return tuple(outs[i] for i in self.out_indices)
