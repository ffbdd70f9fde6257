"""A decode head written the way the original CAC repository writes them
(MMSeg 0.28 imports), loaded through ``custom_imports`` by
tests/test_compat/test_cac_style_head.py."""
import torch
from mmcv.cnn import ConvModule
from mmcv.runner import force_fp32

from mmseg.models.builder import HEADS
from mmseg.models.decode_heads.decode_head import BaseDecodeHead


@HEADS.register_module()
class OldStyleConvHead(BaseDecodeHead):
    """Concatenated HRNet features, one 3x3 conv, the classifier; records
    the dtype ``losses`` saw so the test can check ``force_fp32``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv = ConvModule(self.in_channels, self.channels, 3, padding=1,
                               conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                               act_cfg=self.act_cfg)
        self.loss_input_dtype = None

    def forward(self, inputs):
        feats = self._transform_inputs(inputs)
        return self.cls_seg(self.conv(feats))

    @force_fp32(apply_to=('seg_logit', ))
    def losses(self, seg_logit: torch.Tensor, seg_label: torch.Tensor):
        self.loss_input_dtype = seg_logit.dtype
        return super().losses(seg_logit, seg_label)


__all__ = ['OldStyleConvHead']
