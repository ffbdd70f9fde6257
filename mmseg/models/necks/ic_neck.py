"""ICNet's cascade feature fusion (arXiv:1704.08545)."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS


class CascadeFeatureFusion(BaseModule):
    """Upsample the low-resolution input, dilated 3x3 conv; 1x1 conv of
    the high-resolution input; add and ReLU.

    Args:
        low_channels: Channels of the low-resolution input.
        high_channels: Channels of the high-resolution input.
        out_channels: Output channels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        align_corners: ``align_corners`` of the upsampling.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 low_channels: int,
                 high_channels: int,
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.align_corners = align_corners
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv_low = ConvModule(low_channels, out_channels, 3, padding=2,
                                   dilation=2, **common)
        self.conv_high = ConvModule(high_channels, out_channels, 1, **common)

    def forward(self, x_low: torch.Tensor, x_high: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """The fused features and the upsampled low-resolution branch
        (which the cascade label guidance supervises)."""
        x_low = self.conv_low(resize(x_low, size=x_high.shape[2:],
                                     mode='bilinear',
                                     align_corners=self.align_corners))
        return F.relu(x_low + self.conv_high(x_high), inplace=True), x_low


@MODELS.register_module()
class ICNeck(BaseModule):
    """Fuses ICNet's three branches (strides 8, 16, 32) with two cascade
    feature fusions (``cff_24``, ``cff_12``).

    Args:
        in_channels: Channels of the three branches, highest resolution
            first.
        out_channels: Output channels of the fusions.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        align_corners: ``align_corners`` of the upsampling.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: Sequence[int] = (64, 256, 256),
                 out_channels: int = 128,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) != 3:
            raise ValueError('ICNeck: in_channels must list the 3 branches '
                             f'of ICNet, got {in_channels!r}')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.align_corners = align_corners
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg,
                      align_corners=align_corners)
        self.cff_24 = CascadeFeatureFusion(in_channels[2], in_channels[1],
                                           out_channels, **common)
        self.cff_12 = CascadeFeatureFusion(out_channels, in_channels[0],
                                           out_channels, **common)

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The two upsampled low branches (for the auxiliary heads) and the
        final fusion."""
        if len(inputs) != 3:
            raise ValueError('ICNeck takes the 3 branch outputs of ICNet, '
                             f'got {len(inputs)} feature maps')
        x_sub1, x_sub2, x_sub4 = inputs
        x_cff_24, x_24 = self.cff_24(x_sub4, x_sub2)
        x_cff_12, x_12 = self.cff_12(x_cff_24, x_sub1)
        return x_24, x_12, x_cff_12
