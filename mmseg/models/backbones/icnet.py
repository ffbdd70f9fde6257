"""ICNet (arXiv:1704.08545): a light full-resolution branch and a ResNet
shared by the 1/2 and 1/4 resolution inputs."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from ..decode_heads.psp_head import PPM


@MODELS.register_module()
class ICNet(BaseModule):
    """Three branches for ``ICNeck``: ``conv_sub1`` (three stride-2 convs
    on the image, stride 8), ``conv_sub2`` (the ResNet's ``layer2`` on the
    half-size image, stride 16) and ``conv_sub4`` (``layer3``/``layer4``
    on a further halved map, then pyramid pooling, stride 32).

    Args:
        backbone_cfg: Config of the ResNet-like backbone; it needs
            ``stem`` (a deep stem), ``maxpool`` and ``layer1``..``layer4``.
        in_channels: Input image channels.
        layer_channels: Output channels of the backbone's ``layer2`` and
            ``layer4``.
        light_branch_middle_channels: Width of the light branch's first
            two convs.
        psp_out_channels: Channels of each pooling branch and of the
            pyramid pooling's bottleneck.
        out_channels: Output channels of the three branches.
        pool_scales: Output sizes of the pyramid poolings.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation of the pyramid pooling.
        align_corners: ``align_corners`` of the resizing.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 backbone_cfg: dict,
                 in_channels: int = 3,
                 layer_channels: Sequence[int] = (512, 2048),
                 light_branch_middle_channels: int = 32,
                 psp_out_channels: int = 512,
                 out_channels: Sequence[int] = (64, 256, 256),
                 pool_scales: Sequence[int] = (1, 2, 3, 6),
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN',
                                                 requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 align_corners: bool = False,
                 init_cfg=None):
        if backbone_cfg is None:
            raise TypeError('ICNet: backbone_cfg is required, e.g. '
                            "dict(type='ResNetV1c', depth=50, ...)")
        if init_cfg is None:
            init_cfg = [
                dict(type='Kaiming', mode='fan_out', layer='Conv2d'),
                dict(type='Constant', val=1, layer='_BatchNorm'),
                dict(type='Normal', mean=0.01, layer='Linear')
            ]
        super().__init__(init_cfg=init_cfg)
        self.align_corners = align_corners
        self.backbone = MODELS.build(backbone_cfg)
        if not hasattr(self.backbone, 'stem'):
            raise ValueError(
                f"ICNet: backbone_cfg type {backbone_cfg.get('type')} has "
                'no deep stem; use a ResNetV1c/V1d (deep_stem=True)')
        # ceil_mode as in the original (Caffe) ICNet
        self.backbone.maxpool = nn.MaxPool2d(kernel_size=3, stride=2,
                                             padding=1, ceil_mode=True)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.psp_modules = PPM(pool_scales, layer_channels[1],
                               psp_out_channels, act_cfg=act_cfg,
                               align_corners=align_corners, **common)
        self.psp_bottleneck = ConvModule(
            layer_channels[1] + len(pool_scales) * psp_out_channels,
            psp_out_channels, 3, padding=1, act_cfg=act_cfg, **common)
        widths = [in_channels, light_branch_middle_channels,
                  light_branch_middle_channels, out_channels[0]]
        self.conv_sub1 = nn.Sequential(*[
            ConvModule(widths[i], widths[i + 1], 3, stride=2, padding=1,
                       **common) for i in range(3)
        ])
        self.conv_sub2 = ConvModule(layer_channels[0], out_channels[1], 1,
                                    **common)
        self.conv_sub4 = ConvModule(psp_out_channels, out_channels[2], 1,
                                    **common)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """The three branches, highest resolution first."""
        outs = [self.conv_sub1(x)]
        x = resize(x, scale_factor=0.5, mode='bilinear',
                   align_corners=self.align_corners)
        backbone = self.backbone
        x = backbone.layer2(backbone.layer1(
            backbone.maxpool(backbone.stem(x))))
        outs.append(self.conv_sub2(x))
        x = resize(x, scale_factor=0.5, mode='bilinear',
                   align_corners=self.align_corners)
        x = backbone.layer4(backbone.layer3(x))
        x = self.psp_bottleneck(torch.cat([*self.psp_modules(x), x], dim=1))
        outs.append(self.conv_sub4(x))
        return outs
