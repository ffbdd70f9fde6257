import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .fcn_head import FCNHead


@MODELS.register_module()
class CACFCNHead(FCNHead):
    """FCN head with CAC's branches, as the original CAC repository has it.

    The confidence branch (``weight_branch``) is one conv of the head's
    kind and a classifier on the detached transformed input. Equivalent to
    ``FCNHead`` with ``cac=dict(...)`` apart from that smaller branch.

    Args:
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's pixel losses.
        **kwargs: ``FCNHead`` arguments.
    """

    plain_type = 'FCNHead'

    def __init__(self, proj_channel: int = 256, weight: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        branch = nn.Sequential(
            ConvModule(self.in_channels, self.channels,
                       kernel_size=self.kernel_size,
                       padding=(self.kernel_size // 2) * self.dilation,
                       dilation=self.dilation, conv_cfg=self.conv_cfg,
                       norm_cfg=self.norm_cfg, act_cfg=self.act_cfg),
            ConvModule(self.channels, self.num_classes, kernel_size=1,
                       conv_cfg=self.conv_cfg, norm_cfg=None, act_cfg=None))
        self.add_cac(branch, proj_channel, weight)

    def confidence_logits(self, inputs) -> torch.Tensor:
        return self.weight_branch(self._transform_inputs(inputs).detach())
