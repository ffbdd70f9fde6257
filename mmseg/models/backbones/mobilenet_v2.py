"""MobileNetV2 (arXiv:1801.04381) with dilated stages for segmentation."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmseg.registry import MODELS

from ..utils import InvertedResidual, make_divisible
from ..utils.frozen_stages import (
    FrozenStagesMixin,
    check_stage_args,
    freeze,
)
from ..utils.pretrained import CONV_NORM_INIT, pretrained_init_cfg


@MODELS.register_module()
class MobileNetV2(FrozenStagesMixin, BaseModule):
    """A 3x3 stride-2 stem (``conv1``) and seven stages of inverted
    residual blocks (``layer1`` .. ``layer7``).

    Args:
        widen_factor: Multiplier of every stage's width.
        strides: Stride of the first block of each stage.
        dilations: Dilation of the first block of each stage.
        out_indices: Stages (0-based) whose outputs are returned.
        frozen_stages: Freeze the stem and stages ``1..frozen_stages``
            (-1: none).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        norm_eval: Keep norm layers in eval mode while training.
        with_cp: Checkpoint the blocks to save memory.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    # expand ratio, channels, blocks of each stage
    arch_settings = [[1, 16, 1], [6, 24, 2], [6, 32, 3], [6, 64, 4],
                     [6, 96, 3], [6, 160, 3], [6, 320, 1]]

    def __init__(self,
                 widen_factor: float = 1.,
                 strides: Sequence[int] = (1, 2, 2, 2, 1, 2, 1),
                 dilations: Sequence[int] = (1, 1, 1, 1, 1, 1, 1),
                 out_indices: Sequence[int] = (1, 2, 4, 6),
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU6'),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg,
                                             CONV_NORM_INIT))
        num_stages = len(self.arch_settings)
        if not len(strides) == len(dilations) == num_stages:
            raise ValueError(
                f'MobileNetV2: strides and dilations need {num_stages} '
                f'entries (one per stage), got {len(strides)} and '
                f'{len(dilations)}')
        check_stage_args('MobileNetV2', out_indices, frozen_stages, num_stages)
        self.pretrained = pretrained
        self.widen_factor = widen_factor
        self.strides = strides
        self.dilations = dilations
        self.out_indices = out_indices
        self.frozen_stages = frozen_stages
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.norm_eval = norm_eval
        self.with_cp = with_cp

        self.in_channels = make_divisible(32 * widen_factor, 8)
        self.conv1 = ConvModule(3, self.in_channels, 3, stride=2, padding=1,
                                conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                act_cfg=act_cfg)
        self.layers = []
        for i, (expand_ratio, channels, num_blocks) in enumerate(
                self.arch_settings):
            layer_name = f'layer{i + 1}'
            self.add_module(layer_name, self.make_layer(
                make_divisible(channels * widen_factor, 8), num_blocks,
                strides[i], dilations[i], expand_ratio))
            self.layers.append(layer_name)

    def make_layer(self, out_channels: int, num_blocks: int, stride: int,
                   dilation: int, expand_ratio: float) -> nn.Sequential:
        """One stage; its first block has the stride and the dilation."""
        blocks = []
        for i in range(num_blocks):
            blocks.append(InvertedResidual(
                self.in_channels, out_channels, stride if i == 0 else 1,
                expand_ratio=expand_ratio,
                dilation=dilation if i == 0 else 1, conv_cfg=self.conv_cfg,
                norm_cfg=self.norm_cfg, act_cfg=self.act_cfg,
                with_cp=self.with_cp))
            self.in_channels = out_channels
        return nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor
                ) -> Union[torch.Tensor, Tuple[torch.Tensor, ...]]:
        """The selected stages' outputs; a tensor if only one."""
        x = self.conv1(x)
        outs = []
        for i, layer_name in enumerate(self.layers):
            x = getattr(self, layer_name)(x)
            if i in self.out_indices:
                outs.append(x)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _freeze_stages(self) -> None:
        if self.frozen_stages >= 0:
            for param in self.conv1.parameters():
                param.requires_grad = False
        for i in range(1, self.frozen_stages + 1):
            freeze(getattr(self, f'layer{i}'))
