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
        self.convs = nn.ModuleList(
            ConvModule(in_ch, self.channels, 1, conv_cfg=self.conv_cfg,
                       norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
            for in_ch in self.in_channels)
        # ReLU after the fusion whatever act_cfg says, as in MMSeg 0.28
        self.fusion_conv = ConvModule(self.channels * len(self.in_channels),
                                      self.channels, 1,
                                      conv_cfg=self.conv_cfg,
                                      norm_cfg=self.norm_cfg)

    def forward(self, inputs) -> torch.Tensor:
        inputs = self._transform_inputs(inputs)
        size = inputs[0].shape[2:]
        outs = [
            resize(conv(x), size=size, mode=self.interpolate_mode,
                   align_corners=self.align_corners)
            for conv, x in zip(self.convs, inputs)
        ]
        return self.cls_seg(self.fusion_conv(torch.cat(outs, dim=1)))
