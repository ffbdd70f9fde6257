"""Inverted residual blocks of MobileNetV2 (arXiv:1801.04381) and
MobileNetV3 (arXiv:1905.02244)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule

from .se_layer import SELayer


def _check_stride(block: str, stride: int) -> None:
    if stride not in (1, 2):
        raise ValueError(f'{block}: stride must be 1 or 2, got {stride}')


def _run(forward, x: torch.Tensor, with_cp: bool) -> torch.Tensor:
    if with_cp and x.requires_grad:
        return cp.checkpoint(forward, x, use_reentrant=False)
    return forward(x)


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expansion (skipped when ``expand_ratio`` is
    1), 3x3 depth-wise conv, linear 1x1 projection (``conv.<i>``); a
    shortcut when the shape is kept.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Stride of the depth-wise conv (1 or 2).
        expand_ratio: Hidden width is ``round(in_channels * expand_ratio)``.
        dilation: Dilation of the depth-wise conv.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation of the expansion and depth-wise convs.
        with_cp: Checkpoint the block to save memory.
        **kwargs: Passed on to every ``ConvModule``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int,
                 expand_ratio: float,
                 dilation: int = 1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU6'),
                 with_cp: bool = False,
                 **kwargs):
        super().__init__()
        _check_stride('InvertedResidual', stride)
        self.stride = stride
        self.with_cp = with_cp
        self.use_res_connect = stride == 1 and in_channels == out_channels
        hidden = int(round(in_channels * expand_ratio))
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, **kwargs)
        layers = []
        if expand_ratio != 1:
            layers.append(ConvModule(in_channels, hidden, 1,
                                     act_cfg=act_cfg, **common))
        layers.append(ConvModule(hidden, hidden, 3, stride=stride,
                                 padding=dilation, dilation=dilation,
                                 groups=hidden, act_cfg=act_cfg, **common))
        layers.append(ConvModule(hidden, out_channels, 1, act_cfg=None,
                                 **common))
        self.conv = nn.Sequential(*layers)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        return x + out if self.use_res_connect else out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self._forward, x, self.with_cp)


class InvertedResidualV3(nn.Module):
    """MobileNetV3's block: optional 1x1 ``expand_conv``, depth-wise
    ``depthwise_conv`` (TF-style "same" padding when strided), optional
    ``se``, linear 1x1 ``linear_conv``; a shortcut when the shape is kept.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        mid_channels: Channels of the depth-wise conv.
        kernel_size: Kernel size of the depth-wise conv.
        stride: Stride of the depth-wise conv (1 or 2).
        se_cfg: ``SELayer`` arguments (no SE layer if None).
        with_expand_conv: Whether to expand; without it ``mid_channels``
            must equal ``in_channels``.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation of the expansion and depth-wise convs.
        with_cp: Checkpoint the block to save memory.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 mid_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 se_cfg: Optional[dict] = None,
                 with_expand_conv: bool = True,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 with_cp: bool = False):
        super().__init__()
        _check_stride('InvertedResidualV3', stride)
        if se_cfg is not None and not isinstance(se_cfg, dict):
            raise TypeError('InvertedResidualV3: se_cfg must be a dict of '
                            f'SELayer arguments or None, got {se_cfg!r}')
        if not with_expand_conv and mid_channels != in_channels:
            raise ValueError(
                'InvertedResidualV3: without expand conv mid_channels '
                f'({mid_channels}) must equal in_channels ({in_channels})')
        self.with_res_shortcut = stride == 1 and in_channels == out_channels
        self.with_cp = with_cp
        self.with_se = se_cfg is not None
        self.with_expand_conv = with_expand_conv
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg)
        if with_expand_conv:
            self.expand_conv = ConvModule(in_channels, mid_channels, 1,
                                          act_cfg=act_cfg, **common)
        self.depthwise_conv = ConvModule(
            mid_channels, mid_channels, kernel_size, stride=stride,
            padding=kernel_size // 2, groups=mid_channels,
            conv_cfg=(dict(type='Conv2dAdaptivePadding')
                      if stride == 2 else conv_cfg),
            norm_cfg=norm_cfg, act_cfg=act_cfg)
        if self.with_se:
            self.se = SELayer(**se_cfg)
        self.linear_conv = ConvModule(mid_channels, out_channels, 1,
                                      act_cfg=None, **common)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.expand_conv(x) if self.with_expand_conv else x
        out = self.depthwise_conv(out)
        if self.with_se:
            out = self.se(out)
        out = self.linear_conv(out)
        return x + out if self.with_res_shortcut else out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self._forward, x, self.with_cp)
