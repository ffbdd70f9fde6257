from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_norm_layer

from mmseg.ops import Upsample
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..utils import nchw_to_nlc, nlc_to_nchw
from .decode_head import BaseDecodeHead


@MODELS.register_module()
class SETRUPHead(BaseDecodeHead):
    """SETR's naive and progressive-upsampling (PUP) heads
    (arXiv:2012.15840).

    The input map is normalised over its channels (``norm``), then goes
    through ``num_convs`` blocks of conv-norm-act and bilinear upsampling
    by ``up_scale`` (``up_convs``) before classification. With CAC the
    projection branch reads the normalised map.

    Args:
        norm_layer: Norm of the input map's tokens.
        num_convs: Conv-and-upsample blocks.
        up_scale: Upsampling factor of each block.
        kernel_size: Kernel of the convs, 1 or 3.
        init_cfg: Initialisation config (unit LayerNorms, normal
            ``conv_seg``).
    """

    def __init__(self,
                 norm_layer: dict = dict(type='LN', eps=1e-6,
                                         requires_grad=True),
                 num_convs: int = 1,
                 up_scale: int = 4,
                 kernel_size: int = 3,
                 init_cfg=[
                     dict(type='Constant', val=1.0, bias=0, layer='LayerNorm'),
                     dict(type='Normal', std=0.01,
                          override=dict(name='conv_seg'))
                 ],
                 **kwargs):
        if kernel_size not in (1, 3):
            raise InvalidArgumentError(
                f'SETRUPHead: kernel_size must be 1 or 3, got {kernel_size}')
        super().__init__(init_cfg=init_cfg, **kwargs)
        if not isinstance(self.in_channels, int):
            raise InvalidArgumentError(
                'SETRUPHead takes one input map: in_channels must be an int, '
                f'got {self.in_channels!r}')
        self.norm = build_norm_layer(norm_layer, self.in_channels)[1]
        self.up_convs = nn.ModuleList()
        in_channels = self.in_channels
        for _ in range(num_convs):
            self.up_convs.append(nn.Sequential(
                ConvModule(in_channels, self.channels, kernel_size, stride=1,
                           padding=(kernel_size - 1) // 2,
                           norm_cfg=self.norm_cfg, act_cfg=self.act_cfg),
                Upsample(scale_factor=up_scale, mode='bilinear',
                         align_corners=self.align_corners)))
            in_channels = self.channels

    def normed_input(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """The selected input map after ``norm``."""
        x = self._transform_inputs(inputs)
        return nlc_to_nchw(self.norm(nchw_to_nlc(x)), x.shape[2:])

    def projection_input(self, inputs: Sequence[torch.Tensor]
                         ) -> torch.Tensor:
        return self.normed_input(inputs)

    def forward(self, inputs) -> torch.Tensor:
        x = self.normed_input(inputs)
        for up_conv in self.up_convs:
            x = up_conv(x)
        return self.cls_seg(x)
