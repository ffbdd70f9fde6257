import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .cac_head import CACHeadMixin
from .fcn_head import FCNHead


@MODELS.register_module()
class CACFCNHead(CACHeadMixin, FCNHead):
    """FCN head with CAC's projection and confidence branches.

    Args:
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's CE losses.
        **kwargs: ``FCNHead`` arguments.
    """

    def __init__(self, proj_channel: int = 256, weight: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        self.proj_channel = proj_channel
        self.weight = weight
        self.project_detach = False
        self.proj = self.build_projection(self.in_channels, proj_channel)
        self.weight_branch = nn.Sequential(
            ConvModule(self.in_channels, self.channels,
                       kernel_size=self.kernel_size,
                       padding=(self.kernel_size // 2) * self.dilation,
                       dilation=self.dilation, conv_cfg=self.conv_cfg,
                       norm_cfg=self.norm_cfg, act_cfg=self.act_cfg),
            ConvModule(self.channels, self.num_classes, kernel_size=1,
                       conv_cfg=self.conv_cfg, norm_cfg=None, act_cfg=None))

    def cac_outputs(self, inputs):
        """Segmentation logits, projection features, confidence logits."""
        feats, x = self._forward_feature(inputs)
        return (self.cls_seg(feats), self.project(x),
                self.weight_branch(x.detach()))

    def forward_train(self, inputs, img_metas, gt_semantic_seg, train_cfg):
        return self.cac_losses(*self.cac_outputs(inputs), gt_semantic_seg)
