import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


@MODELS.register_module()
class FCNHead(BaseDecodeHead):
    """Fully convolutional head (FCN, arXiv:1411.4038).

    Args:
        num_convs: Convs before classification (0 keeps the input).
        kernel_size: Kernel size of those convs.
        concat_input: Concatenate the input with the convs' output and fuse
            them with one more conv.
        dilation: Dilation of the convs.
    """

    def __init__(self,
                 num_convs: int = 2,
                 kernel_size: int = 3,
                 concat_input: bool = True,
                 dilation: int = 1,
                 **kwargs):
        assert num_convs >= 0 and dilation > 0 and isinstance(dilation, int)
        self.num_convs = num_convs
        self.concat_input = concat_input
        self.kernel_size = kernel_size
        self.dilation = dilation
        super().__init__(**kwargs)
        if num_convs == 0:
            assert self.in_channels == self.channels, \
                'num_convs=0 needs in_channels == channels'
        padding = (kernel_size // 2) * dilation
        convs = [
            ConvModule(self.in_channels if i == 0 else self.channels,
                       self.channels, kernel_size=kernel_size,
                       padding=padding, dilation=dilation,
                       conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                       act_cfg=self.act_cfg) for i in range(num_convs)
        ]
        self.convs = nn.Sequential(*convs) if convs else nn.Identity()
        if concat_input:
            self.conv_cat = ConvModule(
                self.in_channels + self.channels, self.channels,
                kernel_size=kernel_size, padding=kernel_size // 2,
                conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg)

    def _forward_feature(self, inputs):
        """Features before ``cls_seg`` and the transformed input."""
        x = self._transform_inputs(inputs)
        feats = self.convs(x)
        if self.concat_input:
            feats = self.conv_cat(torch.cat([x, feats], dim=1))
        return feats, x

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._forward_feature(inputs)[0])
