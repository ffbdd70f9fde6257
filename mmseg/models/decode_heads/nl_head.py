import torch
from mmcv.cnn import NonLocal2d

from mmseg.registry import MODELS

from .fcn_head import FCNHead


@MODELS.register_module()
class NLHead(FCNHead):
    """Non-local head (NLNet, arXiv:1711.07971): an FCN head with two convs
    and a non-local block between them.

    Args:
        reduction: Channel reduction of the block's projections.
        use_scale: Scale the similarities by ``inter_channels ** -0.5``.
        mode: Pairwise function, 'embedded_gaussian' or 'dot_product'.
    """

    def __init__(self, reduction: int = 2, use_scale: bool = True,
                 mode: str = 'embedded_gaussian', **kwargs):
        super().__init__(num_convs=2, **kwargs)
        self.reduction = reduction
        self.use_scale = use_scale
        self.mode = mode
        self.nl_block = NonLocal2d(in_channels=self.channels,
                                   reduction=reduction, use_scale=use_scale,
                                   conv_cfg=self.conv_cfg,
                                   norm_cfg=self.norm_cfg, mode=mode)

    def _forward_feature(self, inputs):
        """Features before ``cls_seg`` and the transformed input."""
        x = self._transform_inputs(inputs)
        feats = self.convs[1](self.nl_block(self.convs[0](x)))
        if self.concat_input:
            feats = self.conv_cat(torch.cat([x, feats], dim=1))
        return feats, x
