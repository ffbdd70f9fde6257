from typing import Dict, List

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .cac_head import CACHeadMixin
from .segformer_head import SegformerHead


@MODELS.register_module()
class CACSegformerHead(CACHeadMixin, SegformerHead):
    """SegFormer head with CAC's projection and confidence branches.

    The projection branch sees all levels resized (bilinearly) to the first
    one and concatenated. The confidence branch (``weight_branch``) repeats
    the all-MLP decoder on the detached levels: one 1x1 conv per level, then
    (last element) fusion and classification.

    Args:
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's CE losses.
        interpolate_mode: Mode of the per-level resizing.
        **kwargs: ``BaseDecodeHead`` arguments.
    """

    def __init__(self, proj_channel: int = 256, weight: float = 1.0,
                 interpolate_mode: str = 'bilinear', **kwargs):
        super().__init__(interpolate_mode=interpolate_mode, **kwargs)
        self.proj_channel = proj_channel
        self.weight = weight
        self.project_detach = False
        self.proj = self.build_projection(sum(self.in_channels),
                                          proj_channel)
        classifier = nn.Sequential(
            self.fusion(),
            ConvModule(self.channels, self.num_classes, 1,
                       conv_cfg=self.conv_cfg, norm_cfg=None, act_cfg=None))
        self.weight_branch = nn.ModuleList([*self.level_convs(), classifier])

    def cac_outputs(self, inputs):
        """Segmentation logits, projection features, confidence logits."""
        feats = self._transform_inputs(inputs)
        proj_feature = self.project(self.resize_concat(feats, 'bilinear'))
        *level_convs, classifier = self.weight_branch
        weight_logit = classifier(
            self.fuse_levels([f.detach() for f in feats], level_convs))
        return self(inputs), proj_feature, weight_logit

    def forward_train(self, inputs, img_metas: List[dict],
                      gt_semantic_seg: torch.Tensor,
                      train_cfg: dict) -> Dict[str, torch.Tensor]:
        """CE losses of both branches, the CAC loss and the accuracies."""
        return self.cac_losses(*self.cac_outputs(inputs), gt_semantic_seg)
