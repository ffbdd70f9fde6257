from typing import Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from ..utils import SelfAttentionBlock
from .decode_head import BaseDecodeHead


class PPMConcat(nn.ModuleList):
    """Average-pool to each scale and concatenate the flattened cells.

    Args:
        pool_scales: Output sizes of the poolings.
    """

    def __init__(self, pool_scales: Sequence[int] = (1, 3, 6, 8)):
        super().__init__(nn.AdaptiveAvgPool2d(s) for s in pool_scales)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """Pooled cells (N, C, sum of scale**2)."""
        return torch.cat([pool(feats).flatten(2) for pool in self], dim=2)


class AsymmetricAttention(SelfAttentionBlock):
    """Attention whose keys and values are pyramid-pooled cells.

    Args:
        key_in_channels: Channels of the key (low-level) features.
        query_in_channels: Channels of the query (high-level) features.
        channels: Channels of the key/query projections.
        out_channels: Channels of the output context.
        share_key_query: One projection for keys and queries.
        query_scale: Max-pool the queries by this factor when > 1.
        key_pool_scales: Pyramid pooling scales of the keys and values.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, key_in_channels: int, query_in_channels: int,
                 channels: int, out_channels: int, share_key_query: bool,
                 query_scale: int, key_pool_scales: Sequence[int], conv_cfg,
                 norm_cfg, act_cfg):
        super().__init__(
            key_in_channels=key_in_channels,
            query_in_channels=query_in_channels,
            channels=channels,
            out_channels=out_channels,
            share_key_query=share_key_query,
            query_downsample=nn.MaxPool2d(query_scale)
            if query_scale > 1 else None,
            key_downsample=PPMConcat(key_pool_scales),
            key_query_num_convs=1,
            value_out_num_convs=1,
            key_query_norm=True,
            value_out_norm=False,
            matmul_norm=True,
            with_out=True,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)


class AFNB(nn.Module):
    """Asymmetric fusion non-local block: high-level queries attend to
    pooled low-level keys; the summed contexts are fused with the queries.

    Args:
        low_in_channels: Channels of the low-level (key) features.
        high_in_channels: Channels of the high-level (query) features.
        channels: Channels of the key/query projections.
        out_channels: Output channels.
        query_scales: One attention stage per query pooling factor.
        key_pool_scales: Pyramid pooling scales of the keys.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config (the fusion conv has none).
    """

    def __init__(self, low_in_channels: int, high_in_channels: int,
                 channels: int, out_channels: int,
                 query_scales: Sequence[int], key_pool_scales: Sequence[int],
                 conv_cfg, norm_cfg, act_cfg):
        super().__init__()
        self.stages = nn.ModuleList(
            AsymmetricAttention(low_in_channels, high_in_channels, channels,
                                out_channels, False, scale, key_pool_scales,
                                conv_cfg, norm_cfg, act_cfg)
            for scale in query_scales)
        self.bottleneck = ConvModule(out_channels + high_in_channels,
                                     out_channels, 1, conv_cfg=conv_cfg,
                                     norm_cfg=norm_cfg, act_cfg=None)

    def forward(self, low_feats: torch.Tensor,
                high_feats: torch.Tensor) -> torch.Tensor:
        context = sum(stage(high_feats, low_feats) for stage in self.stages)
        return self.bottleneck(torch.cat([context, high_feats], dim=1))


class APNB(nn.Module):
    """Asymmetric pyramid non-local block: self-attention to pooled keys
    with a shared key/query projection, fused with the input.

    Args:
        in_channels: Input channels.
        channels: Channels of the key/query projection.
        out_channels: Output channels.
        query_scales: One attention stage per query pooling factor.
        key_pool_scales: Pyramid pooling scales of the keys.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, in_channels: int, channels: int, out_channels: int,
                 query_scales: Sequence[int], key_pool_scales: Sequence[int],
                 conv_cfg, norm_cfg, act_cfg):
        super().__init__()
        self.stages = nn.ModuleList(
            AsymmetricAttention(in_channels, in_channels, channels,
                                out_channels, True, scale, key_pool_scales,
                                conv_cfg, norm_cfg, act_cfg)
            for scale in query_scales)
        self.bottleneck = ConvModule(2 * in_channels, out_channels, 1,
                                     conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                     act_cfg=act_cfg)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        context = sum(stage(feats, feats) for stage in self.stages)
        return self.bottleneck(torch.cat([context, feats], dim=1))


@MODELS.register_module()
class ANNHead(BaseDecodeHead):
    """Asymmetric non-local head (ANNNet, arXiv:1908.07678).

    Takes two levels (``in_index`` of length 2, low then high): AFNB fuses
    them, a 3x3 conv reduces to ``channels`` and APNB adds context.

    Args:
        project_channels: Channels of the attention projections.
        query_scales: Query pooling factors (one attention stage each).
        key_pool_scales: Pyramid pooling scales of the keys.
    """

    def __init__(self, project_channels: int,
                 query_scales: Sequence[int] = (1, ),
                 key_pool_scales: Sequence[int] = (1, 3, 6, 8), **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        if len(self.in_channels) != 2:
            raise ValueError('ANNHead takes two levels (low, high): give '
                             'in_channels and in_index two entries each, '
                             f'got in_channels={self.in_channels}')
        low_in_channels, high_in_channels = self.in_channels
        self.project_channels = project_channels
        self.fusion = AFNB(low_in_channels, high_in_channels,
                           project_channels, high_in_channels, query_scales,
                           key_pool_scales, self.conv_cfg, self.norm_cfg,
                           self.act_cfg)
        self.bottleneck = ConvModule(high_in_channels, self.channels, 3,
                                     padding=1, conv_cfg=self.conv_cfg,
                                     norm_cfg=self.norm_cfg,
                                     act_cfg=self.act_cfg)
        self.context = APNB(self.channels, project_channels, self.channels,
                            query_scales, key_pool_scales, self.conv_cfg,
                            self.norm_cfg, self.act_cfg)

    def _forward_feature(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg``."""
        low_feats, high_feats = self._transform_inputs(inputs)
        x = self.fusion(low_feats, high_feats)
        # 0.28 drops out the fused features too, with the same module
        if self.dropout is not None:
            x = self.dropout(x)
        return self.context(self.bottleneck(x))

    def forward(self, inputs) -> torch.Tensor:
        return self.cls_seg(self._forward_feature(inputs))

    def decoder_features(self, inputs) -> torch.Tensor:
        """Features before ``cls_seg`` (the dropout module runs twice)."""
        return self._forward_feature(inputs)
