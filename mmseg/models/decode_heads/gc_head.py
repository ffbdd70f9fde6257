from typing import Sequence

import torch
from mmcv.cnn import ContextBlock

from mmseg.registry import MODELS

from .fcn_head import FCNHead


@MODELS.register_module()
class GCHead(FCNHead):
    """Global context head (GCNet, arXiv:1904.11492): an FCN head with two
    convs and a global context block between them.

    Args:
        ratio: Bottleneck ratio of the context block's transform.
        pooling_type: Context pooling, 'att' or 'avg'.
        fusion_types: How the context is fused: 'channel_add' and/or
            'channel_mul'.
    """

    def __init__(self, ratio: float = 1 / 4., pooling_type: str = 'att',
                 fusion_types: Sequence[str] = ('channel_add', ), **kwargs):
        super().__init__(num_convs=2, **kwargs)
        self.ratio = ratio
        self.pooling_type = pooling_type
        self.fusion_types = fusion_types
        self.gc_block = ContextBlock(in_channels=self.channels, ratio=ratio,
                                     pooling_type=pooling_type,
                                     fusion_types=fusion_types)

    def _forward_feature(self, inputs):
        """Features before ``cls_seg`` and the transformed input."""
        x = self._transform_inputs(inputs)
        feats = self.convs[1](self.gc_block(self.convs[0](x)))
        if self.concat_input:
            feats = self.conv_cat(torch.cat([x, feats], dim=1))
        return feats, x
