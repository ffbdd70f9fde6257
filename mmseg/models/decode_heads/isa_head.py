import math
from typing import Sequence

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from ..utils import SelfAttentionBlock
from .decode_head import BaseDecodeHead


class ISABlock(SelfAttentionBlock):
    """Self-attention over all positions of its input, then a 1x1
    ``output_project`` (conv, norm, activation).

    Args:
        in_channels: Input (and output) channels.
        channels: Channels of the key/query projections.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, in_channels: int, channels: int, conv_cfg, norm_cfg,
                 act_cfg):
        super().__init__(
            key_in_channels=in_channels,
            query_in_channels=in_channels,
            channels=channels,
            out_channels=in_channels,
            share_key_query=False,
            query_downsample=None,
            key_downsample=None,
            key_query_num_convs=2,
            value_out_num_convs=1,
            key_query_norm=True,
            value_out_norm=False,
            matmul_norm=True,
            with_out=False,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.output_project = ConvModule(in_channels, in_channels, 1,
                                         conv_cfg=conv_cfg,
                                         norm_cfg=norm_cfg, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output_project(super().forward(x, x))


@MODELS.register_module()
class ISAHead(BaseDecodeHead):
    """Interlaced sparse self-attention head (ISA, arXiv:1907.12273).

    The map is cut into ``down_factor`` groups: a global attention relates
    the pixels at the same offset of every group (long range), a local one
    the pixels inside each group (short range).

    Args:
        isa_channels: Channels of the attention projections.
        down_factor: Group size (height, width).
    """

    def __init__(self, isa_channels: int,
                 down_factor: Sequence[int] = (8, 8), **kwargs):
        super().__init__(**kwargs)
        self.down_factor = down_factor
        self.in_conv = ConvModule(self.in_channels, self.channels, 3,
                                  padding=1, conv_cfg=self.conv_cfg,
                                  norm_cfg=self.norm_cfg,
                                  act_cfg=self.act_cfg)
        blocks = dict(conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                      act_cfg=self.act_cfg)
        self.global_relation = ISABlock(self.channels, isa_channels,
                                        **blocks)
        self.local_relation = ISABlock(self.channels, isa_channels, **blocks)
        self.out_conv = ConvModule(self.channels * 2, self.channels, 1,
                                   **blocks)

    def forward(self, inputs) -> torch.Tensor:
        residual = x = self.in_conv(self._transform_inputs(inputs))
        n, c, h, w = x.shape
        loc_h, loc_w = self.down_factor
        glb_h, glb_w = math.ceil(h / loc_h), math.ceil(w / loc_w)
        pad_h, pad_w = glb_h * loc_h - h, glb_w * loc_w - w
        top, left = pad_h // 2, pad_w // 2
        if pad_h or pad_w:
            x = F.pad(x, (left, pad_w - left, top, pad_h - top))
        # (n * loc_h * loc_w, c, glb_h, glb_w): one map per group offset
        x = x.view(n, c, glb_h, loc_h, glb_w, loc_w).permute(0, 3, 5, 1, 2, 4)
        x = self.global_relation(x.reshape(-1, c, glb_h, glb_w))
        # (n * glb_h * glb_w, c, loc_h, loc_w): one map per group
        x = x.view(n, loc_h, loc_w, c, glb_h, glb_w).permute(0, 4, 5, 3, 1, 2)
        x = self.local_relation(x.reshape(-1, c, loc_h, loc_w))
        x = x.view(n, glb_h, glb_w, c, loc_h, loc_w).permute(0, 3, 1, 4, 2, 5)
        x = x.reshape(n, c, glb_h * loc_h, glb_w * loc_w)
        x = x[:, :, top:top + h, left:left + w]
        return self.cls_seg(self.out_conv(torch.cat([x, residual], dim=1)))
