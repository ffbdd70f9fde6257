"""SETR's multi-level feature aggregation neck (0.28 key names)."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_norm_layer

from mmseg.registry import MODELS

from ..utils import nchw_to_nlc, nlc_to_nchw


class MLAModule(nn.Module):
    """Top-down aggregation: 1x1 convs (``channel_proj``), cumulative sums
    from the last level to the first, 3x3 convs (``feat_extract``).

    Output ``i`` is the 3x3 conv ``i`` of the sum of the projected levels
    from the last one down to level ``n - 1 - i``, as in 0.28.

    Args:
        in_channels: Channels of each level.
        out_channels: Channels of every output.
        norm_cfg: Norm of the convs.
        act_cfg: Activation of the convs.
    """

    def __init__(self,
                 in_channels: List[int] = [1024, 1024, 1024, 1024],
                 out_channels: int = 256,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None):
        super().__init__()
        self.channel_proj = nn.ModuleList(
            ConvModule(ch, out_channels, kernel_size=1, norm_cfg=norm_cfg,
                       act_cfg=act_cfg) for ch in in_channels)
        self.feat_extract = nn.ModuleList(
            ConvModule(out_channels, out_channels, kernel_size=3, padding=1,
                       norm_cfg=norm_cfg, act_cfg=act_cfg)
            for _ in in_channels)

    def forward(self, inputs: Sequence[torch.Tensor]) -> tuple:
        projected = [conv(x) for conv, x in zip(self.channel_proj, inputs)]
        sums = []
        for feat in reversed(projected):
            sums.append(feat if not sums else sums[-1] + feat)
        return tuple(conv(x) for conv, x in zip(self.feat_extract, sums))


@MODELS.register_module()
class MLANeck(nn.Module):
    """SETR-MLA's neck (arXiv:2012.15840): a norm over the channels of each
    input map (``norm``), then :class:`MLAModule` (``mla``).

    Args:
        in_channels: Channels of each input.
        out_channels: Channels of every output.
        norm_layer: Norm applied to each input's tokens.
        norm_cfg: Norm of the convs.
        act_cfg: Activation of the convs.
    """

    def __init__(self,
                 in_channels: List[int],
                 out_channels: int,
                 norm_layer: dict = dict(type='LN', eps=1e-6,
                                         requires_grad=True),
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None):
        super().__init__()
        if not isinstance(in_channels, list):
            raise TypeError('MLANeck: in_channels must be a list, got '
                            f'{in_channels!r}')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.norm = nn.ModuleList(
            build_norm_layer(norm_layer, ch)[1] for ch in in_channels)
        self.mla = MLAModule(in_channels, out_channels, norm_cfg=norm_cfg,
                             act_cfg=act_cfg)

    def forward(self, inputs: Sequence[torch.Tensor]) -> tuple:
        assert len(inputs) == len(self.in_channels), \
            f'MLANeck expects {len(self.in_channels)} inputs'
        normed = [
            nlc_to_nchw(norm(nchw_to_nlc(x)), x.shape[2:])
            for norm, x in zip(self.norm, inputs)
        ]
        return self.mla(normed)
