from typing import Optional

import torch.nn as nn
from mmcv.cnn import DepthwiseSeparableConvModule

from mmseg.registry import MODELS

from .fcn_head import FCNHead


@MODELS.register_module()
class DepthwiseSeparableFCNHead(FCNHead):
    """FCN head whose convs are depth-wise separable (Fast-SCNN,
    arXiv:1902.04502); same arguments and layout as ``FCNHead``.

    Args:
        dw_act_cfg: Activation after the depth-wise conv (none if None).
        **kwargs: ``FCNHead`` arguments.
    """

    def __init__(self, dw_act_cfg: Optional[dict] = None, **kwargs):
        super().__init__(**kwargs)
        padding = (self.kernel_size // 2) * self.dilation

        def sep_conv(in_channels, pad):
            return DepthwiseSeparableConvModule(
                in_channels, self.channels, kernel_size=self.kernel_size,
                padding=pad, norm_cfg=self.norm_cfg, act_cfg=self.act_cfg,
                dw_act_cfg=dw_act_cfg)

        if self.num_convs > 0:
            self.convs = nn.Sequential(*[
                sep_conv(self.in_channels if i == 0 else self.channels,
                         padding) for i in range(self.num_convs)
            ])
        if self.concat_input:
            self.conv_cat = sep_conv(self.in_channels + self.channels,
                                     self.kernel_size // 2)
