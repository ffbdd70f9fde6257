"""BiSeNetV2 (arXiv:2004.02147): a wide shallow detail branch, a narrow
deep semantic branch and a bilateral guided aggregation; 0.28 key names."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import (
    ConvModule,
    DepthwiseSeparableConvModule,
    build_activation_layer,
    build_norm_layer,
)
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from ..utils.pretrained import CONV_NORM_INIT

BN = dict(type='BN')
RELU = dict(type='ReLU')


class DetailBranch(BaseModule):
    """Stages of a stride-2 3x3 conv and one (first stage) or two more 3x3
    convs.

    Args:
        detail_channels: Output channels of each stage.
        in_channels: Input image channels.
    """

    def __init__(self, detail_channels: Sequence[int] = (64, 64, 128),
                 in_channels: int = 3, conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = BN, act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        common = dict(padding=1, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                      act_cfg=act_cfg)
        stages = []
        for i, channels in enumerate(detail_channels):
            prev = in_channels if i == 0 else detail_channels[i - 1]
            convs = [ConvModule(prev, channels, 3, stride=2, **common)]
            convs += [ConvModule(channels, channels, 3, **common)
                      for _ in range(1 if i == 0 else 2)]
            stages.append(nn.Sequential(*convs))
        self.detail_branch = nn.ModuleList(stages)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for stage in self.detail_branch:
            x = stage(x)
        return x


class StemBlock(BaseModule):
    """Stride-4 stem: a stride-2 conv, then a conv path and a max-pool path
    concatenated and fused.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 16,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.conv_first = ConvModule(in_channels, out_channels, 3, stride=2,
                                     padding=1, **common)
        self.convs = nn.Sequential(
            ConvModule(out_channels, out_channels // 2, 1, **common),
            ConvModule(out_channels // 2, out_channels, 3, stride=2,
                       padding=1, **common))
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1,
                                 ceil_mode=False)
        self.fuse_last = ConvModule(out_channels * 2, out_channels, 3,
                                    padding=1, **common)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv_first(x)
        return self.fuse_last(torch.cat([self.convs(x), self.pool(x)], 1))


class GELayer(BaseModule):
    """Gather-and-expansion layer: 3x3 conv, depthwise expansion by
    ``exp_ratio`` (two depthwise convs at stride 2), 1x1 projection, and a
    shortcut (a depthwise separable conv at stride 2).

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        exp_ratio: Expansion of the middle channels.
        stride: 1 or 2.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 exp_ratio: int = 6, stride: int = 1,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        mid = in_channels * exp_ratio
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        self.conv1 = ConvModule(in_channels, in_channels, 3, padding=1,
                                act_cfg=act_cfg, **common)
        if stride == 1:
            self.dwconv = nn.Sequential(
                ConvModule(in_channels, mid, 3, stride=1, padding=1,
                           groups=in_channels, act_cfg=act_cfg, **common))
            self.shortcut = None
        else:
            self.dwconv = nn.Sequential(
                ConvModule(in_channels, mid, 3, stride=stride, padding=1,
                           groups=in_channels, bias=False, act_cfg=None,
                           **common),
                ConvModule(mid, mid, 3, padding=1, groups=mid,
                           act_cfg=act_cfg, **common))
            self.shortcut = nn.Sequential(DepthwiseSeparableConvModule(
                in_channels, out_channels, 3, stride=stride, padding=1,
                dw_norm_cfg=norm_cfg, dw_act_cfg=None, pw_norm_cfg=norm_cfg,
                pw_act_cfg=None))
        self.conv2 = nn.Sequential(
            ConvModule(mid, out_channels, 1, bias=False, act_cfg=None,
                       **common))
        self.act = build_activation_layer(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(self.dwconv(self.conv1(x)))
        identity = x if self.shortcut is None else self.shortcut(x)
        return self.act(out + identity)


class CEBlock(BaseModule):
    """Context embedding: a normalised global average, 1x1 conv, added to
    the input, then a 3x3 conv.

    Args:
        in_channels: Input channels.
        out_channels: Output channels (equal to ``in_channels``, for the
            addition).
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 16,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.gap = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)),
                                 build_norm_layer(norm_cfg, in_channels)[1])
        self.conv_gap = ConvModule(in_channels, out_channels, 1, **common)
        self.conv_last = ConvModule(out_channels, out_channels, 3, padding=1,
                                    **common)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv_last(x + self.conv_gap(self.gap(x)))


class SemanticBranch(BaseModule):
    """A stem, then stages of gather-and-expansion layers (2 per stage, 4
    in the last), then a context embedding block; every stage's output is
    returned (for the auxiliary heads).

    Args:
        semantic_channels: Output channels of each stage.
        in_channels: Input image channels.
        exp_ratio: Expansion ratio of the GE layers.
    """

    def __init__(self, semantic_channels: Sequence[int] = (16, 32, 64, 128),
                 in_channels: int = 3, exp_ratio: int = 6, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.semantic_channels = semantic_channels
        self.semantic_stages = []
        last = len(semantic_channels) - 1
        for i, channels in enumerate(semantic_channels):
            if i == 0:
                stage = StemBlock(in_channels, channels)
            else:
                layers = [GELayer(semantic_channels[i - 1], channels,
                                  exp_ratio, 2)]
                layers += [GELayer(channels, channels, exp_ratio, 1)
                           for _ in range(3 if i == last else 1)]
                stage = nn.Sequential(*layers)
            self.add_module(f'stage{i + 1}', stage)
            self.semantic_stages.append(f'stage{i + 1}')
        name = f'stage{len(semantic_channels)}_CEBlock'
        self.add_module(name, CEBlock(semantic_channels[-1],
                                      semantic_channels[-1]))
        self.semantic_stages.append(name)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        outs = []
        for name in self.semantic_stages:
            x = getattr(self, name)(x)
            outs.append(x)
        return outs


class BGALayer(BaseModule):
    """Bilateral guided aggregation: each branch gates the other at its own
    resolution; the two results are summed at the detail resolution.

    Args:
        out_channels: Channels of both branches and of the output.
        align_corners: ``align_corners`` of the upsamplings.
    """

    def __init__(self, out_channels: int = 128, align_corners: bool = False,
                 conv_cfg: Optional[dict] = None, norm_cfg: dict = BN,
                 act_cfg: dict = RELU, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.out_channels = out_channels
        self.align_corners = align_corners
        c = out_channels

        def dw_separable():
            return nn.Sequential(DepthwiseSeparableConvModule(
                c, c, 3, padding=1, dw_norm_cfg=norm_cfg, dw_act_cfg=None,
                pw_norm_cfg=None, pw_act_cfg=None))

        plain = dict(bias=False, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                     act_cfg=None)
        self.detail_dwconv = dw_separable()
        self.detail_down = nn.Sequential(
            ConvModule(c, c, 3, stride=2, padding=1, **plain),
            nn.AvgPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=False))
        self.semantic_conv = nn.Sequential(
            ConvModule(c, c, 3, padding=1, **plain))
        self.semantic_dwconv = dw_separable()
        self.conv = ConvModule(c, c, 3, padding=1, inplace=True,
                               conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                               act_cfg=act_cfg)

    def forward(self, x_d: torch.Tensor, x_s: torch.Tensor) -> torch.Tensor:
        detail = self.detail_dwconv(x_d)
        detail_down = self.detail_down(x_d)
        semantic = resize(self.semantic_conv(x_s), size=detail.shape[2:],
                          mode='bilinear', align_corners=self.align_corners)
        fuse_1 = detail * torch.sigmoid(semantic)
        fuse_2 = detail_down * torch.sigmoid(self.semantic_dwconv(x_s))
        fuse_2 = resize(fuse_2, size=fuse_1.shape[2:], mode='bilinear',
                        align_corners=self.align_corners)
        return self.conv(fuse_1 + fuse_2)


@MODELS.register_module()
class BiSeNetV2(BaseModule):
    """BiSeNetV2 backbone (arXiv:2004.02147).

    Outputs: the aggregated features (stride 8), then the semantic branch's
    stage outputs before the context block (strides 4 to 32), of which
    ``out_indices`` selects.

    Args:
        in_channels: Input image channels.
        detail_channels: Channels of the detail branch's stages.
        semantic_channels: Channels of the semantic branch's stages.
        semantic_expansion_ratio: Expansion ratio of its GE layers.
        bga_channels: Channels of the aggregation layer (equal to the last
            detail and semantic channels).
        out_indices: Outputs to return.
        align_corners: ``align_corners`` of the aggregation's upsamplings.
        conv_cfg: Conv layer config (stored, as in 0.28).
        norm_cfg: Norm layer config (stored, as in 0.28: the branches use
            BN).
        act_cfg: Activation config (stored, as in 0.28).
        init_cfg: Initialisation config; None: Kaiming convs, unit norms.
    """

    def __init__(self,
                 in_channels: int = 3,
                 detail_channels: Sequence[int] = (64, 64, 128),
                 semantic_channels: Sequence[int] = (16, 32, 64, 128),
                 semantic_expansion_ratio: int = 6,
                 bga_channels: int = 128,
                 out_indices: Sequence[int] = (0, 1, 2, 3, 4),
                 align_corners: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = BN,
                 act_cfg: dict = RELU,
                 init_cfg=None):
        super().__init__(init_cfg=CONV_NORM_INIT if init_cfg is None
                         else init_cfg)
        self.in_channels = in_channels
        self.out_indices = out_indices
        self.detail_channels = detail_channels
        self.semantic_channels = semantic_channels
        self.semantic_expansion_ratio = semantic_expansion_ratio
        self.bga_channels = bga_channels
        self.align_corners = align_corners
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.detail = DetailBranch(detail_channels, in_channels)
        self.semantic = SemanticBranch(semantic_channels, in_channels,
                                       semantic_expansion_ratio)
        self.bga = BGALayer(bga_channels, align_corners)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        semantic = self.semantic(x)
        outs = [self.bga(self.detail(x), semantic[-1])] + semantic[:-1]
        return tuple(outs[i] for i in self.out_indices)
