import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .segformer_head import SegformerHead


@MODELS.register_module()
class CACSegformerHead(SegformerHead):
    """SegFormer head with CAC's branches (original repository).

    The confidence branch (``weight_branch``) repeats the all-MLP decoder on
    the detached levels: one 1x1 conv per level, then (last element) fusion
    and a classifier without dropout.

    Args:
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's pixel losses.
        interpolate_mode: Mode of the per-level resizing.
        **kwargs: ``BaseDecodeHead`` arguments.
    """

    plain_type = 'SegformerHead'

    def __init__(self, proj_channel: int = 256, weight: float = 1.0,
                 interpolate_mode: str = 'bilinear', **kwargs):
        super().__init__(interpolate_mode=interpolate_mode, **kwargs)
        classifier = nn.Sequential(
            self.fusion(),
            ConvModule(self.channels, self.num_classes, 1,
                       conv_cfg=self.conv_cfg, norm_cfg=None, act_cfg=None))
        self.add_cac(nn.ModuleList([*self.level_convs(), classifier]),
                     proj_channel, weight)

    def confidence_logits(self, inputs) -> torch.Tensor:
        *level_convs, classifier = self.weight_branch
        feats = [f.detach() for f in self._transform_inputs(inputs)]
        return classifier(self.fuse_levels(feats, level_convs))
