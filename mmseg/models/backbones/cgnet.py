"""CGNet (arXiv:1811.08201): context guided blocks that join local and
surrounding features and reweight them by global context."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule, build_conv_layer, build_norm_layer
from mmengine.model import BaseModule

from mmseg.registry import MODELS

from ..utils.frozen_stages import FrozenStagesMixin
from ..utils.pretrained import pretrained_init_cfg


def _run(forward, x: torch.Tensor, with_cp: bool) -> torch.Tensor:
    if with_cp and x.requires_grad:
        return cp.checkpoint(forward, x, use_reentrant=False)
    return forward(x)


def _with_prelu_width(act_cfg: Optional[dict], channels: int):
    """A PReLU gets one parameter per channel; other activations as is."""
    if act_cfg is not None and act_cfg.get('type') == 'PReLU':
        return dict(act_cfg, num_parameters=channels)
    return act_cfg


class GlobalContextExtractor(nn.Module):
    """Channel gate from the global average (two linear layers).

    Args:
        channel: Input and output channels.
        reduction: The hidden width is ``channel // reduction``.
        with_cp: Checkpoint the module to save memory.
    """

    def __init__(self, channel: int, reduction: int = 16,
                 with_cp: bool = False):
        super().__init__()
        if not 1 <= reduction <= channel:
            raise ValueError('GlobalContextExtractor: reduction must be in '
                             f'[1, channel={channel}], got {reduction}')
        self.channel = channel
        self.reduction = reduction
        self.with_cp = with_cp
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channel, channel // reduction), nn.ReLU(inplace=True),
            nn.Linear(channel // reduction, channel), nn.Sigmoid())

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c = x.shape[:2]
        return x * self.fc(self.avg_pool(x).view(n, c)).view(n, c, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self._forward, x, self.with_cp)


class ContextGuidedBlock(nn.Module):
    """``conv1x1`` (3x3 stride 2 when downsampling), a depth-wise local
    conv ``f_loc`` and a dilated depth-wise surrounding conv ``f_sur``
    concatenated, norm + PReLU, a 1x1 ``bottleneck`` when downsampling,
    the global context gate ``f_glo``, and a shortcut when not
    downsampling.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        dilation: Dilation of the surrounding conv.
        reduction: Reduction of the global context gate.
        skip_connect: Add the input to the output (never when
            downsampling).
        downsample: Halve the resolution.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation of ``conv1x1``.
        with_cp: Checkpoint the block to save memory.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 dilation: int = 2,
                 reduction: int = 16,
                 skip_connect: bool = True,
                 downsample: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN',
                                                 requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 with_cp: bool = False):
        super().__init__()
        self.with_cp = with_cp
        self.downsample = downsample
        channels = out_channels if downsample else out_channels // 2
        kernel_size = 3 if downsample else 1
        self.conv1x1 = ConvModule(
            in_channels, channels, kernel_size, 2 if downsample else 1,
            (kernel_size - 1) // 2, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
            act_cfg=_with_prelu_width(act_cfg, channels))
        self.f_loc = build_conv_layer(conv_cfg, channels, channels, 3,
                                      padding=1, groups=channels, bias=False)
        self.f_sur = build_conv_layer(conv_cfg, channels, channels, 3,
                                      padding=dilation, groups=channels,
                                      dilation=dilation, bias=False)
        self.bn = build_norm_layer(norm_cfg, 2 * channels)[1]
        self.activate = nn.PReLU(2 * channels)
        if downsample:
            self.bottleneck = build_conv_layer(conv_cfg, 2 * channels,
                                               out_channels, 1, bias=False)
        self.skip_connect = skip_connect and not downsample
        self.f_glo = GlobalContextExtractor(out_channels, reduction, with_cp)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1x1(x)
        joint = self.activate(self.bn(torch.cat(
            [self.f_loc(out), self.f_sur(out)], 1)))
        if self.downsample:
            joint = self.bottleneck(joint)
        out = self.f_glo(joint)
        return x + out if self.skip_connect else out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self._forward, x, self.with_cp)


class InputInjection(nn.Module):
    """``num_downsampling`` 3x3 stride-2 average poolings of the image."""

    def __init__(self, num_downsampling: int):
        super().__init__()
        self.pool = nn.ModuleList(
            nn.AvgPool2d(3, stride=2, padding=1)
            for _ in range(num_downsampling))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for pool in self.pool:
            x = pool(x)
        return x


@MODELS.register_module()
class CGNet(FrozenStagesMixin, BaseModule):
    """Three stem convs (stride 2), then two levels of context guided
    blocks (each starts by downsampling); the image, average-pooled, is
    injected before each level.

    Args:
        in_channels: Input image channels.
        num_channels: Widths of the stem and the two levels.
        num_blocks: Blocks of the two levels.
        dilations: Surrounding-conv dilation of the two levels.
        reductions: Global-context reduction of the two levels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config (a PReLU gets one parameter per
            channel).
        norm_eval: Keep norm layers in eval mode while training.
        with_cp: Checkpoint the blocks to save memory.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_channels: Sequence[int] = (32, 64, 128),
                 num_blocks: Sequence[int] = (3, 21),
                 dilations: Sequence[int] = (2, 4),
                 reductions: Sequence[int] = (8, 16),
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN',
                                                 requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='PReLU'),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg, [
            dict(type='Kaiming', layer=['Conv2d', 'Linear']),
            dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm']),
            dict(type='Constant', val=0, layer='PReLU')
        ]))
        for name, value, length in (('num_channels', num_channels, 3),
                                    ('num_blocks', num_blocks, 2),
                                    ('dilations', dilations, 2),
                                    ('reductions', reductions, 2)):
            if not isinstance(value, (list, tuple)) or len(value) != length:
                raise TypeError(f'CGNet: {name} must hold {length} '
                                f'ints, got {value!r}')
        self.pretrained = pretrained
        self.in_channels = in_channels
        self.num_channels = num_channels
        self.num_blocks = num_blocks
        self.dilations = dilations
        self.reductions = reductions
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.norm_eval = norm_eval
        self.with_cp = with_cp

        stem_act = _with_prelu_width(act_cfg, num_channels[0])
        self.stem = nn.ModuleList(
            ConvModule(in_channels if i == 0 else num_channels[0],
                       num_channels[0], 3, 2 if i == 0 else 1, padding=1,
                       conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                       act_cfg=stem_act) for i in range(3))
        self.inject_2x = InputInjection(1)
        self.inject_4x = InputInjection(2)
        level_in = [num_channels[0] + in_channels,
                    2 * num_channels[1] + in_channels]
        self.norm_prelu_0 = self._norm_prelu(level_in[0])
        self.level1 = self._make_level(level_in[0], 0)
        self.norm_prelu_1 = self._norm_prelu(level_in[1])
        self.level2 = self._make_level(level_in[1], 1)
        self.norm_prelu_2 = self._norm_prelu(2 * num_channels[2])

    def _norm_prelu(self, channels: int) -> nn.Sequential:
        return nn.Sequential(build_norm_layer(self.norm_cfg, channels)[1],
                             nn.PReLU(channels))

    def _make_level(self, in_channels: int, level: int) -> nn.ModuleList:
        out_channels = self.num_channels[level + 1]
        return nn.ModuleList(
            ContextGuidedBlock(
                in_channels if i == 0 else out_channels, out_channels,
                self.dilations[level], self.reductions[level],
                downsample=i == 0, conv_cfg=self.conv_cfg,
                norm_cfg=self.norm_cfg, act_cfg=self.act_cfg,
                with_cp=self.with_cp)
            for i in range(self.num_blocks[level]))

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        """The outputs of the stem and the two levels (strides 2, 4, 8)."""
        inp_2x, inp_4x = self.inject_2x(x), self.inject_4x(x)
        for layer in self.stem:
            x = layer(x)
        x = self.norm_prelu_0(torch.cat([x, inp_2x], 1))
        outs = [x]
        down1 = x = self.level1[0](x)
        for layer in self.level1[1:]:
            x = layer(x)
        x = self.norm_prelu_1(torch.cat([x, down1, inp_4x], 1))
        outs.append(x)
        down2 = x = self.level2[0](x)
        for layer in self.level2[1:]:
            x = layer(x)
        outs.append(self.norm_prelu_2(torch.cat([down2, x], 1)))
        return outs

    def _freeze_stages(self) -> None:
        """CGNet has no frozen stages; only ``norm_eval`` applies."""
