from typing import Dict, List

import torch

from mmseg.registry import MODELS

from .cac_head import CACHeadMixin
from .ocr_head import OCRHead


@MODELS.register_module()
class CACOCRHead(CACHeadMixin, OCRHead):
    """OCR stage of a cascade with CAC's projection and confidence branches.

    The projection branch sees the merged inputs of the OCR bottleneck. The
    confidence branch (``weight_branch``) is a second, complete OCR head
    that refines the detached previous-stage logits from detached features,
    so its CE losses train only itself.

    Args:
        ocr_channels: Channels of the attention's key/query projections.
        scale: Logit scale of the gathering (and query pooling factor).
        proj_channel: Channels of the projection features.
        weight: Factor of the confidence branch's CE losses.
        **kwargs: ``BaseDecodeHead`` arguments.
    """

    def __init__(self, ocr_channels: int, scale: int = 1,
                 proj_channel: int = 256, weight: float = 1.0, **kwargs):
        super().__init__(ocr_channels=ocr_channels, scale=scale, **kwargs)
        self.proj_channel = proj_channel
        self.weight = weight
        self.project_detach = False
        self.proj = self.build_projection(self.in_channels, proj_channel)
        # its loss module has no parameters and is never called; it is kept
        # so that the structure matches the original repository's
        self.weight_branch = OCRHead(
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
            loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                             loss_weight=weight))

    def cac_outputs(self, inputs, prev_output: torch.Tensor):
        """Segmentation logits, projection features, confidence logits."""
        x = self._transform_inputs(inputs)
        weight_logit = self.weight_branch([f.detach() for f in inputs],
                                          prev_output.detach())
        return (self.ocr_logits(x, prev_output), self.project(x),
                weight_logit)

    def forward_train(self, inputs, prev_output: torch.Tensor,
                      img_metas: List[dict], gt_semantic_seg: torch.Tensor,
                      train_cfg: dict) -> Dict[str, torch.Tensor]:
        """CE losses of both branches, the CAC loss and the accuracies."""
        return self.cac_losses(*self.cac_outputs(inputs, prev_output),
                               gt_semantic_seg)
