"""ResNeSt (arXiv:2004.08955): ResNetV1d whose bottlenecks use
split-attention 3x3 convolutions; 0.28 key names."""
import math
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer

from mmseg.registry import MODELS

from ..utils import ResLayer
from .resnet import Bottleneck as _Bottleneck
from .resnet import ResNetV1d, _run


class RSoftmax(nn.Module):
    """Softmax over the radix splits of each group (sigmoid for radix 1).

    Args:
        radix: Number of splits.
        groups: Number of groups.
    """

    def __init__(self, radix: int, groups: int):
        super().__init__()
        self.radix = radix
        self.groups = groups

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.radix == 1:
            return x.sigmoid()
        n = x.size(0)
        x = x.view(n, self.groups, self.radix, -1).transpose(1, 2)
        return x.softmax(dim=1).reshape(n, -1)


class SplitAttentionConv2d(nn.Module):
    """A grouped conv with ``radix`` splits per group, recombined with
    attention weights computed from their pooled sum.

    Args:
        in_channels: Input channels.
        channels: Output channels.
        kernel_size: Kernel size of the conv.
        stride: Stride of the conv.
        padding: Padding of the conv.
        dilation: Dilation of the conv.
        groups: Groups (cardinality).
        radix: Splits per group.
        reduction_factor: Channel reduction of the attention's hidden layer
            (at least 32 channels).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
    """

    def __init__(self, in_channels: int, channels: int, kernel_size: int,
                 stride: int = 1, padding: int = 0, dilation: int = 1,
                 groups: int = 1, radix: int = 2, reduction_factor: int = 4,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN')):
        super().__init__()
        inter_channels = max(in_channels * radix // reduction_factor, 32)
        self.radix = radix
        self.groups = groups
        self.channels = channels
        self.conv = build_conv_layer(conv_cfg, in_channels, channels * radix,
                                     kernel_size, stride=stride,
                                     padding=padding, dilation=dilation,
                                     groups=groups * radix, bias=False)
        self.norm0_name, norm0 = build_norm_layer(norm_cfg, channels * radix,
                                                  postfix=0)
        self.add_module(self.norm0_name, norm0)
        self.relu = nn.ReLU(inplace=True)
        self.fc1 = build_conv_layer(None, channels, inter_channels, 1,
                                    groups=groups)
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, inter_channels,
                                                  postfix=1)
        self.add_module(self.norm1_name, norm1)
        self.fc2 = build_conv_layer(None, inter_channels, channels * radix, 1,
                                    groups=groups)
        self.rsoftmax = RSoftmax(radix, groups)

    @property
    def norm0(self) -> nn.Module:
        return getattr(self, self.norm0_name)

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.norm0(self.conv(x)))
        n = x.size(0)
        if self.radix > 1:
            splits = x.view(n, self.radix, -1, *x.shape[2:])
            gap = splits.sum(dim=1)
        else:
            gap = x
        gap = self.relu(self.norm1(self.fc1(F.adaptive_avg_pool2d(gap, 1))))
        atten = self.rsoftmax(self.fc2(gap)).view(n, -1, 1, 1)
        if self.radix > 1:
            atten = atten.view(n, self.radix, -1, 1, 1)
            return (atten * splits).sum(dim=1).contiguous()
        return (atten * x).contiguous()


class Bottleneck(_Bottleneck):
    """Bottleneck whose 3x3 conv is a ``SplitAttentionConv2d`` (``conv2``
    holds its own norms, so there is no ``bn2``).

    Args:
        inplanes: Input channels.
        planes: Channels of the plain ResNet bottleneck.
        groups: Groups of the 3x3 conv.
        base_width: Width of each group per 64 base channels.
        base_channels: Width of the backbone's first stage.
        radix: Splits per group of the split-attention conv.
        reduction_factor: Reduction of the split attention's hidden layer.
        avg_down_stride: Stride with a 3x3 average pool after the
            split-attention conv rather than in it.
        **kwargs: ``resnet.Bottleneck`` arguments.
    """

    def __init__(self, inplanes: int, planes: int, groups: int = 1,
                 base_width: int = 4, base_channels: int = 64,
                 radix: int = 2, reduction_factor: int = 4,
                 avg_down_stride: bool = True, **kwargs):
        super().__init__(inplanes, planes, **kwargs)
        width = planes if groups == 1 else \
            math.floor(planes * base_width / base_channels) * groups
        conv_cfg = kwargs.get('conv_cfg')
        norm_cfg = kwargs.get('norm_cfg', dict(type='BN'))
        conv2_stride = self.conv2.stride[0]
        self.avg_down_stride = avg_down_stride and conv2_stride > 1
        # rebuilt at the split-attention width; ``bn2`` lives in ``conv2``
        delattr(self, self.norm2_name)
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, width, postfix=1)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, width, 1,
                                      stride=self.conv1.stride, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = SplitAttentionConv2d(
            width, width, kernel_size=3,
            stride=1 if self.avg_down_stride else conv2_stride,
            padding=self.dilation, dilation=self.dilation, groups=groups,
            radix=radix, reduction_factor=reduction_factor,
            conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        if self.avg_down_stride:
            self.avd_layer = nn.AvgPool2d(3, conv2_stride, padding=1)
        self.conv3 = build_conv_layer(conv_cfg, width,
                                      planes * self.expansion, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:

        def residual(x):
            out = self.relu(self.norm1(self.conv1(x)))
            out = self.conv2(out)
            if self.avg_down_stride:
                out = self.avd_layer(out)
            out = self.norm3(self.conv3(out))
            identity = x if self.downsample is None else self.downsample(x)
            return out + identity

        return self.relu(_run(residual, x, self.with_cp))


@MODELS.register_module()
class ResNeSt(ResNetV1d):
    """ResNeSt backbone (depth 50, 101, 152 or 200): ResNetV1d (deep stem,
    average-pooled shortcuts) with split-attention bottlenecks.

    Args:
        groups: Groups of each bottleneck's 3x3 conv.
        base_width: Width of each group per 64 base channels.
        radix: Splits per group of the split-attention convs.
        reduction_factor: Reduction of the split attention's hidden layer.
        avg_down_stride: Stride with an average pool after the
            split-attention conv.
        **kwargs: ``ResNet`` arguments.
    """

    arch_settings = {
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3)),
        200: (Bottleneck, (3, 24, 36, 3))
    }

    def __init__(self, groups: int = 1, base_width: int = 4, radix: int = 2,
                 reduction_factor: int = 4, avg_down_stride: bool = True,
                 **kwargs):
        self.groups = groups
        self.base_width = base_width
        self.radix = radix
        self.reduction_factor = reduction_factor
        self.avg_down_stride = avg_down_stride
        super().__init__(**kwargs)

    def make_res_layer(self, **kwargs) -> ResLayer:
        """A stage of split-attention bottlenecks.

        0.28 zero-initialises the last norm of ResNet's own blocks only, so
        these blocks get no ``init_cfg``.
        """
        kwargs['init_cfg'] = None
        return ResLayer(groups=self.groups, base_width=self.base_width,
                        base_channels=self.base_channels, radix=self.radix,
                        reduction_factor=self.reduction_factor,
                        avg_down_stride=self.avg_down_stride, **kwargs)
