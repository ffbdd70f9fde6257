from mmseg.registry import MODELS

from .ocr_head import OCRHead


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
        # its loss module has no parameters and is never called; it is kept
        # so that the structure matches the original repository's
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
            loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                             loss_weight=weight))
        self.add_cac(branch, proj_channel, weight)
