"""Generic key/query/value attention over feature maps (non-local style)."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule


def _projection(in_channels: int, channels: int, num_convs: int,
                with_norm: bool, conv_cfg: Optional[dict],
                norm_cfg: Optional[dict],
                act_cfg: Optional[dict]) -> nn.Module:
    """``num_convs`` 1x1 convs, each a ``ConvModule`` when ``with_norm``.

    A single conv is returned bare so that its keys carry no ``.0``.
    """
    def conv(in_ch):
        if with_norm:
            return ConvModule(in_ch, channels, 1, conv_cfg=conv_cfg,
                              norm_cfg=norm_cfg, act_cfg=act_cfg)
        return nn.Conv2d(in_ch, channels, 1)

    convs = [conv(in_channels)] + [conv(channels)
                                   for _ in range(num_convs - 1)]
    return convs[0] if len(convs) == 1 else nn.Sequential(*convs)


class SelfAttentionBlock(nn.Module):
    """Attend from every query position to every key position.

    The context at a query position is the softmax(query . key)-weighted
    sum of the values, optionally projected by ``out_project``.

    Args:
        key_in_channels: Channels of the key (and value) features.
        query_in_channels: Channels of the query features.
        channels: Channels of the key/query (and value) projections.
        out_channels: Channels of the output context.
        share_key_query: Use one projection for keys and queries.
        query_downsample: Module shrinking the projected queries; the
            context then has the shrunk size.
        key_downsample: Module shrinking the projected keys and values.
        key_query_num_convs: 1x1 convs of the key/query projections.
        value_out_num_convs: 1x1 convs of the value/out projections.
        key_query_norm: Build the key/query projections from
            ``ConvModule`` (conv, norm, activation).
        value_out_norm: The same for the value/out projections; with plain
            convs, a single-conv ``out_project`` starts at zero.
        matmul_norm: Scale the similarities by ``channels ** -0.5``.
        with_out: Project the values to ``channels`` and the context to
            ``out_channels`` (else the values go straight to
            ``out_channels``).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, key_in_channels: int, query_in_channels: int,
                 channels: int, out_channels: int, share_key_query: bool,
                 query_downsample: Optional[nn.Module],
                 key_downsample: Optional[nn.Module],
                 key_query_num_convs: int, value_out_num_convs: int,
                 key_query_norm: bool, value_out_norm: bool,
                 matmul_norm: bool, with_out: bool,
                 conv_cfg: Optional[dict], norm_cfg: Optional[dict],
                 act_cfg: Optional[dict]):
        super().__init__()
        if share_key_query:
            assert key_in_channels == query_in_channels, \
                'a shared key/query projection needs equal input channels'
        self.key_in_channels = key_in_channels
        self.query_in_channels = query_in_channels
        self.channels = channels
        self.out_channels = out_channels
        self.share_key_query = share_key_query
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.matmul_norm = matmul_norm
        layer_cfgs = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)

        self.key_project = _projection(key_in_channels, channels,
                                       key_query_num_convs, key_query_norm,
                                       **layer_cfgs)
        self.query_project = self.key_project if share_key_query else \
            _projection(query_in_channels, channels, key_query_num_convs,
                        key_query_norm, **layer_cfgs)
        self.value_project = _projection(
            key_in_channels, channels if with_out else out_channels,
            value_out_num_convs, value_out_norm, **layer_cfgs)
        self.out_project = _projection(
            channels, out_channels, value_out_num_convs, value_out_norm,
            **layer_cfgs) if with_out else None
        self.query_downsample = query_downsample
        self.key_downsample = key_downsample
        self.init_weights()

    def init_weights(self) -> None:
        """Start a plain single-conv ``out_project`` at zero."""
        if isinstance(self.out_project, nn.Conv2d):
            nn.init.zeros_(self.out_project.weight)
            nn.init.zeros_(self.out_project.bias)

    def forward(self, query_feats: torch.Tensor,
                key_feats: torch.Tensor) -> torch.Tensor:
        """Context (N, out_channels, h, w) at the (downsampled) queries."""
        query = self.query_project(query_feats)
        if self.query_downsample is not None:
            query = self.query_downsample(query)
        query_hw = query.shape[2:]
        query = query.flatten(2).transpose(1, 2)

        key = self.key_project(key_feats)
        value = self.value_project(key_feats)
        if self.key_downsample is not None:
            key = self.key_downsample(key)
            value = self.key_downsample(value)
        key = key.flatten(2)
        value = value.flatten(2).transpose(1, 2)

        sim_map = torch.matmul(query, key)
        if self.matmul_norm:
            sim_map = sim_map * self.channels**-0.5
        sim_map = sim_map.softmax(dim=-1)

        context = torch.matmul(sim_map, value).transpose(1, 2)
        context = context.reshape(context.shape[0], -1, *query_hw)
        if self.out_project is not None:
            context = self.out_project(context)
        return context
