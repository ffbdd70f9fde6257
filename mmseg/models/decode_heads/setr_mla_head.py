import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import Upsample
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from .decode_head import BaseDecodeHead


@MODELS.register_module()
class SETRMLAHead(BaseDecodeHead):
    """SETR's multi-level aggregation head (arXiv:2012.15840).

    Each input level goes through two 3x3 conv-norm-act layers to
    ``mla_channels`` and bilinear upsampling by ``up_scale``
    (``up_convs``); the levels are concatenated and classified. Inputs
    are always 'multiple_select'.

    Args:
        mla_channels: Channels of each level's branch; ``channels`` must
            be ``len(in_channels) * mla_channels``.
        up_scale: Upsampling factor of each branch.
    """

    def __init__(self, mla_channels: int = 128, up_scale: int = 4,
                 **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        self.mla_channels = mla_channels
        num_inputs = len(self.in_channels)
        if self.channels != num_inputs * mla_channels:
            raise InvalidArgumentError(
                f'SETRMLAHead: channels ({self.channels}) must be '
                f'len(in_channels) * mla_channels ({num_inputs} * '
                f'{mla_channels})')
        self.up_convs = nn.ModuleList(
            nn.Sequential(
                ConvModule(in_ch, mla_channels, 3, padding=1,
                           norm_cfg=self.norm_cfg, act_cfg=self.act_cfg),
                ConvModule(mla_channels, mla_channels, 3, padding=1,
                           norm_cfg=self.norm_cfg, act_cfg=self.act_cfg),
                Upsample(scale_factor=up_scale, mode='bilinear',
                         align_corners=self.align_corners))
            for in_ch in self.in_channels)

    def forward(self, inputs) -> torch.Tensor:
        feats = self._transform_inputs(inputs)
        out = torch.cat(
            [up_conv(x) for up_conv, x in zip(self.up_convs, feats)], dim=1)
        return self.cls_seg(out)
