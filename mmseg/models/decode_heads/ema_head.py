import math

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS

from .decode_head import BaseDecodeHead


def reduce_mean(tensor: torch.Tensor) -> torch.Tensor:
    """Mean over the processes (the tensor itself when not distributed)."""
    if not (dist.is_available() and dist.is_initialized()):
        return tensor
    tensor = tensor / dist.get_world_size()
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


class EMAModule(nn.Module):
    """Expectation-maximisation attention: ``num_stages`` EM iterations
    estimate ``num_bases`` bases per image (without gradients); the
    features are rebuilt from them. While training, the stored initial
    bases (a buffer) move towards the batch's by ``momentum``, averaged
    over the processes.

    Args:
        channels: Feature channels.
        num_bases: Number of bases.
        num_stages: EM iterations (at least 1).
        momentum: Update rate of the stored bases.
    """

    def __init__(self, channels: int, num_bases: int, num_stages: int,
                 momentum: float):
        super().__init__()
        assert num_stages >= 1, 'num_stages must be at least 1'
        self.num_bases = num_bases
        self.num_stages = num_stages
        self.momentum = momentum
        bases = torch.empty(1, channels, num_bases).normal_(
            0, math.sqrt(2. / num_bases))
        self.register_buffer('bases', F.normalize(bases, dim=1, p=2))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        n, c, h, w = feats.shape
        feats = feats.view(n, c, h * w)
        bases = self.bases.repeat(n, 1, 1)
        with torch.no_grad():
            for _ in range(self.num_stages):
                attention = torch.einsum('bcn,bck->bnk', feats, bases)
                attention = attention.softmax(dim=2)
                normed = F.normalize(attention, dim=1, p=1)
                bases = F.normalize(
                    torch.einsum('bcn,bnk->bck', feats, normed), dim=1, p=2)
        recon = torch.einsum('bck,bnk->bcn', bases, attention)
        if self.training:
            batch_bases = F.normalize(
                reduce_mean(bases.mean(dim=0, keepdim=True)), dim=1, p=2)
            self.bases = (1 - self.momentum) * self.bases + \
                self.momentum * batch_bases
        return recon.view(n, c, h, w)


@MODELS.register_module()
class EMAHead(BaseDecodeHead):
    """Expectation-maximisation attention head (EMANet, arXiv:1907.13426).

    With CAC, the confidence branch is a whole EMAHead with its own bases
    (``weight_branch.ema_module.bases``), which it updates from its own
    features; the head's bases see only the head's features, exactly as
    without CAC.

    Args:
        ema_channels: Channels of the EM attention.
        num_bases: Number of bases.
        num_stages: EM iterations.
        concat_input: Concatenate the input with the output and fuse them
            with one more conv.
        momentum: Update rate of the stored bases.
    """

    def __init__(self, ema_channels: int, num_bases: int, num_stages: int,
                 concat_input: bool = True, momentum: float = 0.1,
                 **kwargs):
        super().__init__(**kwargs)
        self.ema_channels = ema_channels
        self.num_bases = num_bases
        self.num_stages = num_stages
        self.concat_input = concat_input
        self.momentum = momentum
        self.ema_module = EMAModule(ema_channels, num_bases, num_stages,
                                    momentum)
        self.ema_in_conv = ConvModule(self.in_channels, ema_channels, 3,
                                      padding=1, conv_cfg=self.conv_cfg,
                                      norm_cfg=self.norm_cfg,
                                      act_cfg=self.act_cfg)
        # a fixed projection before the EM attention, as in 0.28
        self.ema_mid_conv = ConvModule(ema_channels, ema_channels, 1,
                                       conv_cfg=self.conv_cfg, norm_cfg=None,
                                       act_cfg=None)
        self.ema_mid_conv.requires_grad_(False)
        self.ema_out_conv = ConvModule(ema_channels, ema_channels, 1,
                                       conv_cfg=self.conv_cfg,
                                       norm_cfg=self.norm_cfg, act_cfg=None)
        self.bottleneck = ConvModule(ema_channels, self.channels, 3,
                                     padding=1, conv_cfg=self.conv_cfg,
                                     norm_cfg=self.norm_cfg,
                                     act_cfg=self.act_cfg)
        if concat_input:
            self.conv_cat = ConvModule(self.in_channels + self.channels,
                                       self.channels, 3, padding=1,
                                       conv_cfg=self.conv_cfg,
                                       norm_cfg=self.norm_cfg,
                                       act_cfg=self.act_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        feats = self.ema_in_conv(x)
        recon = self.ema_module(self.ema_mid_conv(feats))
        recon = self.ema_out_conv(F.relu(recon))
        out = self.bottleneck(F.relu(feats + recon))
        if self.concat_input:
            out = self.conv_cat(torch.cat([x, out], dim=1))
        return self.cls_seg(out)
