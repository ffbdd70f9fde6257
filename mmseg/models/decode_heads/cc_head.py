import torch

from mmseg.ops import CrissCrossAttention
from mmseg.registry import MODELS

from .fcn_head import FCNHead


@MODELS.register_module()
class CCHead(FCNHead):
    """CCNet's head (arXiv:1811.11721): criss-cross attention between the
    two convs of an FCN head, applied ``recurrence`` times.

    Args:
        recurrence: How many times the (shared) attention is applied.
    """

    def __init__(self, recurrence: int = 2, **kwargs):
        super().__init__(num_convs=2, **kwargs)
        self.recurrence = recurrence
        self.cca = CrissCrossAttention(self.channels)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        out = self.convs[0](x)
        for _ in range(self.recurrence):
            out = self.cca(out)
        out = self.convs[1](out)
        if self.concat_input:
            out = self.conv_cat(torch.cat([x, out], dim=1))
        return self.cls_seg(out)
