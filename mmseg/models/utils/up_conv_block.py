"""UNet's decoder block: upsample the deeper features, concatenate the skip
features, convolve."""
from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.registry import MODELS


def check_no_plugins(name: str, dcn, plugins) -> None:
    """Raise unless ``dcn`` and ``plugins`` (0.28 arguments that UNet's
    blocks do not support) are None."""
    if dcn is not None or plugins is not None:
        raise NotImplementedError(
            f'{name}: dcn and plugins are not supported; set them to None')


class UpConvBlock(nn.Module):
    """Upsample ``x`` to the skip features' size and channels, concatenate
    them (skip first) and apply ``conv_block``.

    Args:
        conv_block: Class of the conv block, called with ``in_channels``,
            ``out_channels``, ``num_convs``, ``stride``, ``dilation``,
            ``with_cp``, ``conv_cfg``, ``norm_cfg``, ``act_cfg``, ``dcn``
            and ``plugins`` (e.g. UNet's ``BasicConvBlock``).
        in_channels: Channels of the deeper features.
        skip_channels: Channels of the skip features.
        out_channels: Output channels.
        num_convs: Convs of the conv block.
        stride: Stride of the conv block.
        dilation: Dilation of the conv block.
        with_cp: Gradient checkpointing.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        upsample_cfg: Registry config of the upsampling module (e.g.
            ``dict(type='InterpConv')``), built with ``in_channels``,
            ``out_channels=skip_channels``, ``with_cp``, ``norm_cfg`` and
            ``act_cfg``; None: the sizes already match, a 1x1 conv only
            adapts the channels.
        dcn: Not supported (must be None).
        plugins: Not supported (must be None).
    """

    def __init__(self,
                 conv_block,
                 in_channels: int,
                 skip_channels: int,
                 out_channels: int,
                 num_convs: int = 2,
                 stride: int = 1,
                 dilation: int = 1,
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 upsample_cfg: Optional[dict] = dict(type='InterpConv'),
                 dcn=None,
                 plugins=None):
        super().__init__()
        check_no_plugins('UpConvBlock', dcn, plugins)
        self.conv_block = conv_block(
            in_channels=2 * skip_channels, out_channels=out_channels,
            num_convs=num_convs, stride=stride, dilation=dilation,
            with_cp=with_cp, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
            act_cfg=act_cfg, dcn=None, plugins=None)
        if upsample_cfg is None:
            self.upsample = ConvModule(in_channels, skip_channels, 1,
                                       conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                       act_cfg=act_cfg)
        else:
            self.upsample = MODELS.build(dict(
                upsample_cfg, in_channels=in_channels,
                out_channels=skip_channels, with_cp=with_cp,
                norm_cfg=norm_cfg, act_cfg=act_cfg))

    def forward(self, skip: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.conv_block(torch.cat([skip, self.upsample(x)], dim=1))
