from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, Scale

from mmseg.core.utils import add_prefix
from mmseg.registry import MODELS

from ..utils import SelfAttentionBlock
from .cac_head import CACOutputs
from .decode_head import BaseDecodeHead


class PAM(SelfAttentionBlock):
    """Position attention: every pixel attends to every pixel; the context
    is added to the input scaled by a learned ``gamma`` (starting at 0).

    Args:
        in_channels: Input (and value) channels.
        channels: Channels of the key/query projections.
    """

    def __init__(self, in_channels: int, channels: int):
        super().__init__(
            key_in_channels=in_channels,
            query_in_channels=in_channels,
            channels=channels,
            out_channels=in_channels,
            share_key_query=False,
            query_downsample=None,
            key_downsample=None,
            key_query_num_convs=1,
            value_out_num_convs=1,
            key_query_norm=False,
            value_out_norm=False,
            matmul_norm=False,
            with_out=False,
            conv_cfg=None,
            norm_cfg=None,
            act_cfg=None)
        self.gamma = Scale(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gamma(super().forward(x, x)) + x


class CAM(nn.Module):
    """Channel attention: every channel attends to every channel; the
    context is added to the input scaled by a learned ``gamma``."""

    def __init__(self):
        super().__init__()
        self.gamma = Scale(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.flatten(2)
        energy = torch.bmm(flat, flat.transpose(1, 2))
        # the paper's attention favours the least similar channels
        energy = energy.max(dim=-1, keepdim=True)[0] - energy
        out = torch.bmm(energy.softmax(dim=-1), flat).reshape(x.shape)
        return self.gamma(out) + x


@MODELS.register_module()
class DAHead(BaseDecodeHead):
    """Dual attention head (DANet, arXiv:1809.02983).

    A position-attention and a channel-attention path each have their own
    classifier (``pam_conv_seg``, ``cam_conv_seg``); ``conv_seg`` classifies
    their sum. Training returns and supervises all three logits
    (``pam_cam.*``, ``pam.*``, ``cam.*`` losses); inference uses the sum's.

    With CAC, the fused logits are the segmentation logits of CAC's losses
    (``pam_cam.loss_cac``, ...), the confidence branch is a whole DAHead
    whose fused logits are the confidence logits, and the ``pam`` and
    ``cam`` logits keep their plain losses.

    Args:
        pam_channels: Channels of the position attention's key/query.
    """

    def __init__(self, pam_channels: int, **kwargs):
        super().__init__(**kwargs)
        self.pam_channels = pam_channels

        def conv3x3(cin):
            return ConvModule(cin, self.channels, 3, padding=1,
                              conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                              act_cfg=self.act_cfg)

        self.pam_in_conv = conv3x3(self.in_channels)
        self.pam = PAM(self.channels, pam_channels)
        self.pam_out_conv = conv3x3(self.channels)
        self.pam_conv_seg = nn.Conv2d(self.channels, self.num_classes, 1)
        self.cam_in_conv = conv3x3(self.in_channels)
        self.cam = CAM()
        self.cam_out_conv = conv3x3(self.channels)
        self.cam_conv_seg = nn.Conv2d(self.channels, self.num_classes, 1)

    def _classify(self, conv: nn.Module, feat: torch.Tensor) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return conv(feat)

    def pam_cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        """Classify the position-attention features."""
        return self._classify(self.pam_conv_seg, feat)

    def cam_cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        """Classify the channel-attention features."""
        return self._classify(self.cam_conv_seg, feat)

    def _forward_feature(self, inputs) -> Tuple[torch.Tensor, ...]:
        """The fused, position- and channel-attention features."""
        x = self._transform_inputs(inputs)
        pam_feat = self.pam_out_conv(self.pam(self.pam_in_conv(x)))
        cam_feat = self.cam_out_conv(self.cam(self.cam_in_conv(x)))
        return pam_feat + cam_feat, pam_feat, cam_feat

    def forward(self, inputs) -> Tuple[torch.Tensor, ...]:
        """Logits of the fused, position and channel paths."""
        feat_sum, pam_feat, cam_feat = self._forward_feature(inputs)
        return (self.cls_seg(feat_sum), self.pam_cls_seg(pam_feat),
                self.cam_cls_seg(cam_feat))

    def forward_test(self, inputs, img_metas, test_cfg) -> torch.Tensor:
        """The fused logits only."""
        return self.forward(inputs)[0]

    def decoder_features(self, inputs) -> torch.Tensor:
        """The fused features that ``conv_seg`` classifies."""
        return self._forward_feature(inputs)[0]

    def losses(self, seg_logit: Sequence[torch.Tensor],
               seg_label: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``pam_cam.*``, ``pam.*`` and ``cam.*`` losses of the three
        logits."""
        pam_cam, pam, cam = seg_logit
        losses = add_prefix(super().losses(pam_cam, seg_label), 'pam_cam')
        losses.update(add_prefix(super().losses(pam, seg_label), 'pam'))
        losses.update(add_prefix(super().losses(cam, seg_label), 'cam'))
        return losses

    def confidence_logits(self, inputs, *prev) -> torch.Tensor:
        """The confidence branch's fused logits."""
        return super().confidence_logits(inputs, *prev)[0]

    def cac_outputs(self, inputs, *prev) -> CACOutputs:
        """CAC's outputs, with the fused logits as segmentation logits."""
        weight_logit = self.confidence_logits(inputs)
        seg_logit = self(inputs)[0]
        proj = self.proj[1](self.projection_hidden(inputs))
        return CACOutputs(seg_logit, proj, weight_logit)

    def _path_losses(self, logit: torch.Tensor, weight_logit: torch.Tensor,
                     seg_label: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Plain losses of one path's logits and, times ``cac_weight``
        (``*_weight``), of the confidence branch's logits of that path."""
        plain = super().losses
        losses = plain(logit, seg_label)
        for name, value in plain(weight_logit, seg_label).items():
            if name.startswith('acc'):
                losses[name + '_weight'] = value
            else:
                losses[name + '_weight'] = self.cac_weight * value
        return losses

    def train_losses(self, inputs, prev, gt_semantic_seg
                     ) -> Dict[str, torch.Tensor]:
        """With CAC: CAC's losses on the fused logits (``pam_cam.*``) and
        the plain losses of both branches' ``pam`` and ``cam`` logits.

        The confidence branch's path logits are supervised as the head's
        are, so that all of its parameters train (DDP needs that)."""
        if not self.with_cac:
            return super().train_losses(inputs, prev, gt_semantic_seg)
        weights = self.weight_branch([f.detach() for f in inputs])
        pam_cam, pam, cam = self(inputs)
        losses = add_prefix(
            super().losses(pam_cam, gt_semantic_seg, weights[0],
                           self.projection_hidden(inputs),
                           project=self.proj[1].pointwise), 'pam_cam')
        losses.update(add_prefix(
            self._path_losses(pam, weights[1], gt_semantic_seg), 'pam'))
        losses.update(add_prefix(
            self._path_losses(cam, weights[2], gt_semantic_seg), 'cam'))
        return losses
