"""A decode head the toolbox does not ship, registered from user code.

Two parallel 3x3 convolutions on the head's input, one of them dilated,
summed before the classifier. Nothing here knows about CAC: the config's
``cac`` key adds CAC's branches.
"""
import torch
from mmcv.cnn import ConvModule

from mmseg.models.builder import HEADS
from mmseg.models.decode_heads.decode_head import BaseDecodeHead


@HEADS.register_module()
class TwoPathHead(BaseDecodeHead):
    """Sum of a plain and a dilated 3x3 conv path, then ``cls_seg``.

    Args:
        dilation: Dilation of the second path.
    """

    def __init__(self, dilation: int = 3, **kwargs):
        super().__init__(**kwargs)
        common = dict(conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                      act_cfg=self.act_cfg)
        self.local = ConvModule(self.in_channels, self.channels, 3,
                                padding=1, **common)
        self.wide = ConvModule(self.in_channels, self.channels, 3,
                               padding=dilation, dilation=dilation, **common)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        return self.cls_seg(self.local(x) + self.wide(x))

