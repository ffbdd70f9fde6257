from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


@MODELS.register_module()
class SegformerHead(BaseDecodeHead):
    """All-MLP decoder of SegFormer (arXiv:2105.15203).

    Every input level goes through its own 1x1 conv to ``channels``, is
    resized to the first level's size, and the concatenation is fused by a
    1x1 conv before classification. Inputs are always 'multiple_select'.

    Args:
        interpolate_mode: Mode of the resizing.
    """

    def __init__(self, interpolate_mode: str = 'bilinear', **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        self.interpolate_mode = interpolate_mode
        self.convs = self.level_convs()
        self.fusion_conv = self.fusion()

    def level_convs(self) -> nn.ModuleList:
        """One 1x1 conv-norm-act per input level, to ``channels``."""
        return nn.ModuleList(
            ConvModule(in_ch, self.channels, 1, conv_cfg=self.conv_cfg,
                       norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
            for in_ch in self.in_channels)

    def fusion(self) -> ConvModule:
        """1x1 conv-norm-ReLU over the concatenated levels.

        ReLU whatever ``act_cfg`` says, as in MMSeg 0.28.
        """
        return ConvModule(self.channels * len(self.in_channels),
                          self.channels, 1, conv_cfg=self.conv_cfg,
                          norm_cfg=self.norm_cfg)

    def resize_concat(self, feats: Sequence[torch.Tensor],
                      mode: str) -> torch.Tensor:
        """Resize every map to the first one's size and concatenate them."""
        size = feats[0].shape[2:]
        return torch.cat([
            resize(f, size=size, mode=mode, align_corners=self.align_corners)
            for f in feats
        ], dim=1)

    def fuse_levels(self, feats: Sequence[torch.Tensor],
                    convs: Sequence[nn.Module]) -> torch.Tensor:
        """One conv per level, then :meth:`resize_concat` of the outputs."""
        return self.resize_concat([conv(f) for conv, f in zip(convs, feats)],
                                  self.interpolate_mode)

    def forward(self, inputs) -> torch.Tensor:
        feats = self.fuse_levels(self._transform_inputs(inputs), self.convs)
        return self.cls_seg(self.fusion_conv(feats))
