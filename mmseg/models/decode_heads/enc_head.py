from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_norm_layer

from mmseg.ops import Encoding, resize
from mmseg.registry import MODELS

from .cac_head import CACOutputs
from .decode_head import BaseDecodeHead


def norm_1d_cfg(norm_cfg: Optional[dict]) -> dict:
    """The 1d counterpart of a 2d norm config (BN -> BN1d, SyncBN stays)."""
    if norm_cfg is None:
        return dict(type='BN1d')
    cfg = dict(norm_cfg)
    if cfg['type'] in ('BN', 'IN'):
        cfg['type'] += '1d'
    else:
        cfg['type'] = cfg['type'].replace('2d', '1d')
    return cfg


class EncModule(nn.Module):
    """EncNet's context encoding: encode, then re-weight the channels.

    Args:
        in_channels: Input channels.
        num_codes: Number of code words.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config (its 1d form after the encoding).
        act_cfg: Activation config.
    """

    def __init__(self, in_channels: int, num_codes: int, conv_cfg, norm_cfg,
                 act_cfg):
        super().__init__()
        self.encoding_project = ConvModule(
            in_channels, in_channels, 1, conv_cfg=conv_cfg,
            norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.encoding = nn.Sequential(
            Encoding(channels=in_channels, num_codes=num_codes),
            build_norm_layer(norm_1d_cfg(norm_cfg), num_codes)[1],
            nn.ReLU(inplace=True))
        self.fc = nn.Sequential(nn.Linear(in_channels, in_channels),
                                nn.Sigmoid())

    def forward(self, x: torch.Tensor):
        """Returns the encoding (N, C) and the re-weighted features."""
        encoding = self.encoding(self.encoding_project(x)).mean(dim=1)
        gamma = self.fc(encoding).view(*x.shape[:2], 1, 1)
        return encoding, F.relu_(x + x * gamma)


@MODELS.register_module()
class EncHead(BaseDecodeHead):
    """EncNet's head (arXiv:1803.08904), with the semantic encoding loss.

    With ``use_se_loss`` :meth:`forward` returns the logits and the
    SE logits (which classes the image contains); inference uses the logits.

    Args:
        num_codes: Number of code words.
        use_se_loss: Add the SE loss (``loss_se``) on the encoding.
        add_lateral: Fuse 1x1 laterals of the other input levels.
        loss_se_decode: Config of the SE loss (multi-label, sigmoid).
    """

    def __init__(self,
                 num_codes: int = 32,
                 use_se_loss: bool = True,
                 add_lateral: bool = False,
                 loss_se_decode=dict(type='CrossEntropyLoss',
                                     use_sigmoid=True, loss_weight=0.2),
                 **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        self.use_se_loss = use_se_loss
        self.add_lateral = add_lateral
        self.num_codes = num_codes
        conv = dict(conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                    act_cfg=self.act_cfg)
        self.bottleneck = ConvModule(self.in_channels[-1], self.channels, 3,
                                     padding=1, **conv)
        if add_lateral:
            self.lateral_convs = nn.ModuleList(
                ConvModule(c, self.channels, 1, **conv)
                for c in self.in_channels[:-1])
            self.fusion = ConvModule(len(self.in_channels) * self.channels,
                                     self.channels, 3, padding=1, **conv)
        self.enc_module = EncModule(self.channels, num_codes=num_codes,
                                    **conv)
        if use_se_loss:
            self.loss_se_decode = MODELS.build(loss_se_decode)
            self.se_layer = nn.Linear(self.channels, self.num_classes)

    def forward(self, inputs):
        x = self._transform_inputs(inputs)
        feat = self.bottleneck(x[-1])
        if self.add_lateral:
            laterals = [
                resize(conv(level), size=feat.shape[2:], mode='bilinear',
                       align_corners=self.align_corners)
                for conv, level in zip(self.lateral_convs, x)
            ]
            feat = self.fusion(torch.cat([feat, *laterals], dim=1))
        encoding, feat = self.enc_module(feat)
        out = self.cls_seg(feat)
        if self.use_se_loss:
            return out, self.se_layer(encoding)
        return out

    def forward_test(self, inputs, img_metas, test_cfg) -> torch.Tensor:
        return self._logits(self.forward(inputs))

    def _logits(self, out) -> torch.Tensor:
        return out[0] if self.use_se_loss else out

    @staticmethod
    def _class_presence(seg_label: torch.Tensor,
                        num_classes: int) -> torch.Tensor:
        """(N, num_classes) 0/1: which classes each label map contains
        (the ignore index is not a class)."""
        labels = seg_label.flatten(1)
        present = labels.new_zeros(labels.shape[0], num_classes)
        valid = (labels >= 0) & (labels < num_classes)
        present.scatter_add_(1, torch.where(valid, labels, 0),
                             valid.to(present.dtype))
        return (present > 0).to(seg_label.dtype)

    def _se_loss(self, se_logit: torch.Tensor,
                 seg_label: torch.Tensor) -> torch.Tensor:
        return self.loss_se_decode(
            se_logit, self._class_presence(seg_label, self.num_classes))

    def losses(self, seg_logit, seg_label) -> Dict[str, torch.Tensor]:
        """Pixel losses and ``acc_seg``, plus ``loss_se`` with the SE loss."""
        if not self.use_se_loss:
            return super().losses(seg_logit, seg_label)
        seg_logit, se_logit = seg_logit
        loss = super().losses(seg_logit, seg_label)
        loss['loss_se'] = self._se_loss(se_logit, seg_label)
        return loss

    # CAC: the pixel branches see the segmentation logits; the SE loss stays
    # on the head, and the confidence branch has no SE layer
    def add_cac(self, confidence_branch: nn.Module, proj_channel: int = 256,
                weight: float = 1.0) -> None:
        if confidence_branch.use_se_loss:
            confidence_branch.use_se_loss = False
            del confidence_branch.se_layer, confidence_branch.loss_se_decode
        super().add_cac(confidence_branch, proj_channel, weight)

    def cac_outputs(self, inputs, *prev: torch.Tensor) -> CACOutputs:
        weight_logit = self.confidence_logits(inputs)
        seg_logit = self._logits(self(inputs))
        proj = self.proj[1](self.projection_hidden(inputs))
        return CACOutputs(seg_logit, proj, weight_logit)

    def train_losses(self, inputs, prev, gt_semantic_seg):
        if not self.with_cac:
            return super().train_losses(inputs, prev, gt_semantic_seg)
        weight_logit = self.confidence_logits(inputs)
        out = self(inputs)
        losses = super().losses(self._logits(out), gt_semantic_seg,
                                weight_logit, self.projection_hidden(inputs),
                                project=self.proj[1].pointwise)
        if self.use_se_loss:
            losses['loss_se'] = self._se_loss(out[1], gt_semantic_seg)
        return losses
