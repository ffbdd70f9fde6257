"""Multi-level neck: ViT maps to a feature pyramid (0.28 key names)."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model.weight_init import xavier_init

from mmseg.ops import resize
from mmseg.registry import MODELS


@MODELS.register_module()
class MultiLevelNeck(nn.Module):
    """Rescale each input map to build a pyramid from a ViT's outputs.

    Each input goes through a 1x1 conv (``lateral_convs``) to
    ``out_channels``; output ``i`` is input ``i`` (the single input, if
    there is one) resized bilinearly by ``scales[i]``, then a 3x3 conv
    (``convs``).

    Args:
        in_channels: Channels of each input.
        out_channels: Channels of every output.
        scales: Scale factor of each output.
        norm_cfg: Norm of the convs.
        act_cfg: Activation of the convs.
    """

    def __init__(self,
                 in_channels: List[int],
                 out_channels: int,
                 scales: Sequence[float] = [0.5, 1, 2, 4],
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None):
        super().__init__()
        if not isinstance(in_channels, list):
            raise TypeError('MultiLevelNeck: in_channels must be a list, '
                            f'got {in_channels!r}')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.scales = scales
        self.num_outs = len(scales)
        self.lateral_convs = nn.ModuleList(
            ConvModule(ch, out_channels, kernel_size=1, norm_cfg=norm_cfg,
                       act_cfg=act_cfg) for ch in in_channels)
        self.convs = nn.ModuleList(
            ConvModule(out_channels, out_channels, kernel_size=3, padding=1,
                       stride=1, norm_cfg=norm_cfg, act_cfg=act_cfg)
            for _ in range(self.num_outs))

    def init_weights(self) -> None:
        """Xavier-uniform convs."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                xavier_init(m, distribution='uniform')

    def forward(self, inputs: Sequence[torch.Tensor]) -> tuple:
        assert len(inputs) == len(self.in_channels), \
            f'MultiLevelNeck expects {len(self.in_channels)} inputs'
        feats = [conv(x) for conv, x in zip(self.lateral_convs, inputs)]
        if len(feats) == 1:
            feats = feats * self.num_outs
        return tuple(
            conv(resize(x, scale_factor=scale, mode='bilinear'))
            for conv, x, scale in zip(self.convs, feats, self.scales))
