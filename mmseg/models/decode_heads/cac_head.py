"""What every CAC head shares: the projection branch and the CAC losses.

A CAC head has three outputs while training: segmentation logits, projection
features for the contrastive loss, and confidence ("weight") logits from a
branch fed with detached inputs. At test time only the segmentation logits
are computed.
"""
from typing import Dict, List

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize

from ..losses import CACLoss, accuracy
from .decode_head import add_loss


class Residual(nn.Module):
    """``x + module(x)``; the wrapped module's keys get a ``module.`` part."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.module(x)


class CACHeadMixin:
    """Losses and projection branch of CAC heads.

    The host class is a ``BaseDecodeHead`` that sets ``self.weight`` (factor
    of the confidence branch's CE losses) and ``self.project_detach`` (the
    projection branch sees detached inputs while True; see
    ``project_head_detach_warmup_hook``).
    """

    def build_projection(self, in_channels: int,
                         proj_channel: int) -> nn.Sequential:
        """1x1 conv-norm-act, then a residual 1x1 conv (``proj``)."""
        common = dict(kernel_size=1, conv_cfg=self.conv_cfg)
        return nn.Sequential(
            ConvModule(in_channels, proj_channel, norm_cfg=self.norm_cfg,
                       act_cfg=self.act_cfg, **common),
            Residual(ConvModule(proj_channel, proj_channel, norm_cfg=None,
                                act_cfg=None, **common)))

    def project(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x.detach() if self.project_detach else x)

    def pixel_losses(self) -> List[nn.Module]:
        """Losses computed from logits and labels (not the CAC loss)."""
        return [m for m in self._loss_modules() if not isinstance(m, CACLoss)]

    def cac_losses(self, seg_logit: torch.Tensor, proj_feature: torch.Tensor,
                   weight_logit: torch.Tensor,
                   seg_label: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_ce``, ``loss_ce_weight``, ``loss_cac``, the accuracies.

        Every pixel loss is applied to the segmentation logits and, times
        ``weight``, to the confidence logits (``<name>_weight``); the OHEM
        weights, chosen on the segmentation logits, apply to both.
        """
        size = seg_label.shape[2:]
        cls_score = resize(seg_logit.float(), size=size, mode='bilinear',
                           align_corners=self.align_corners)
        weight_score = resize(weight_logit.float(), size=size,
                              mode='bilinear',
                              align_corners=self.align_corners)
        seg_weight = self._sample_weight(cls_score, seg_label)
        label = seg_label.squeeze(1)
        losses = dict()
        for loss_decode in self._loss_modules():
            name = loss_decode.loss_name
            if isinstance(loss_decode, CACLoss):
                add_loss(losses, name, loss_decode(
                    predict=seg_logit, feature_map=proj_feature, label=label,
                    weight_logit=weight_logit,
                    ignore_index=self.ignore_index))
                continue
            common = dict(weight=seg_weight, ignore_index=self.ignore_index)
            add_loss(losses, name, loss_decode(cls_score, label, **common))
            add_loss(losses, name + '_weight',
                     self.weight * loss_decode(weight_score, label, **common))
        losses['acc_seg'] = accuracy(cls_score, label,
                                     ignore_index=self.ignore_index)
        losses['acc_seg_weight'] = accuracy(weight_score, label,
                                            ignore_index=self.ignore_index)
        return losses
