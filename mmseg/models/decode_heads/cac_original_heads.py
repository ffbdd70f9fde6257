"""The three heads of the original CAC repository, with its checkpoint keys.

Any head takes CAC with a ``cac`` key (:mod:`.cac_head`); these keep the
original's own confidence branches (``CACFCNHead``, ``CACSegformerHead``:
smaller than a copy of the head) so that its configs and checkpoints load.
``plain_type`` names the head without CAC (``plain_head_cfg``).
"""
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .fcn_head import FCNHead
from .ocr_head import OCRHead
from .segformer_head import SegformerHead


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


@MODELS.register_module()
class CACOCRHead(OCRHead):
    """OCR stage of a cascade with CAC's branches (original repository).

    The confidence branch (``weight_branch``) is a second, complete OCR head
    that refines the detached previous-stage logits from detached features,
    so its losses train only itself: the same as ``OCRHead`` with
    ``cac=dict(...)``.

    Args:
        ocr_channels: Channels of the attention's key/query projections.
        scale: Logit scale of the gathering (and query pooling factor).
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's pixel losses.
        **kwargs: ``BaseDecodeHead`` arguments.
    """

    plain_type = 'OCRHead'

    def __init__(self, ocr_channels: int, scale: int = 1,
                 proj_channel: int = 256, weight: float = 1.0, **kwargs):
        super().__init__(ocr_channels=ocr_channels, scale=scale, **kwargs)
        # a complete OCR head; its losses are never called (the host's
        # losses apply to its logits)
        branch = OCRHead(
            ocr_channels=ocr_channels,
            scale=scale,
            in_channels=kwargs['in_channels'],
            in_index=self.in_index,
            input_transform=self.input_transform,
            channels=self.channels,
            num_classes=self.num_classes,
            dropout_ratio=self.dropout_ratio,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg,
            align_corners=self.align_corners,
            loss_decode=dict(type='CrossEntropyLoss'))
        self.add_cac(branch, proj_channel, weight)


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
