"""ERFNet (Romera et al., T-ITS 2018): an encoder-decoder of factorised
(3x1 + 1x3) residual blocks."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_conv_layer, build_norm_layer
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

# ERFNet's blocks normalise with eps 1e-3 (the original implementation's)
BLOCK_NORM = dict(type='BN', eps=1e-3)


class DownsamplerBlock(BaseModule):
    """A 3x3 stride-2 conv and a 2x2 max pooling, concatenated, then norm
    and activation.

    Args:
        in_channels: Input channels.
        out_channels: Output channels (the conv gives
            ``out_channels - in_channels``).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = BLOCK_NORM,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv = build_conv_layer(conv_cfg, in_channels,
                                     out_channels - in_channels, 3, stride=2,
                                     padding=1)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.bn = build_norm_layer(norm_cfg, out_channels)[1]
        self.act = build_activation_layer(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        conv_out = self.conv(x)
        # odd sizes: the pooling floors where the conv rounds up
        pool_out = resize(self.pool(x), size=conv_out.shape[2:],
                          mode='bilinear', align_corners=False)
        return self.act(self.bn(torch.cat([conv_out, pool_out], 1)))


class NonBottleneck1d(BaseModule):
    """Residual block of ``num_conv_layer`` factorised 3x1 + 1x3 conv
    pairs; all but the first pair are dilated, the last ends in dropout.

    ``convs_layers`` holds, per pair, conv, act, conv, norm and act (first
    pair) or dropout (the others): 0.28's key layout.

    Args:
        channels: Input and output channels.
        drop_rate: Dropout probability after the dilated pairs.
        dilation: Dilation of the pairs after the first.
        num_conv_layer: Number of conv pairs.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 channels: int,
                 drop_rate: float = 0,
                 dilation: int = 1,
                 num_conv_layer: int = 2,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = BLOCK_NORM,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.act = build_activation_layer(act_cfg)
        self.convs_layers = nn.ModuleList()
        for i in range(num_conv_layer):
            rate = 1 if i == 0 else dilation
            self.convs_layers.append(build_conv_layer(
                conv_cfg, channels, channels, kernel_size=(3, 1),
                padding=(rate, 0), dilation=(rate, 1), bias=True))
            self.convs_layers.append(self.act)
            self.convs_layers.append(build_conv_layer(
                conv_cfg, channels, channels, kernel_size=(1, 3),
                padding=(0, rate), dilation=(1, rate), bias=True))
            self.convs_layers.append(build_norm_layer(norm_cfg, channels)[1])
            self.convs_layers.append(
                self.act if i == 0 else nn.Dropout(p=drop_rate))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        for layer in self.convs_layers:
            out = layer(out)
        return self.act(out + x)


class UpsamplerBlock(BaseModule):
    """A 3x3 stride-2 transposed conv (doubles the size), norm, activation.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        conv_cfg: Unused (the conv is transposed); 0.28's argument.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = BLOCK_NORM,
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.conv = nn.ConvTranspose2d(in_channels, out_channels, 3,
                                       stride=2, padding=1, output_padding=1,
                                       bias=True)
        self.bn = build_norm_layer(norm_cfg, out_channels)[1]
        self.act = build_activation_layer(act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


@MODELS.register_module()
class ERFNet(BaseModule):
    """ERFNet's ``encoder`` (downsampler blocks, each followed by
    non-bottleneck blocks; the last stage cycles through the dilations)
    and ``decoder`` (upsampler blocks, each followed by non-bottleneck
    blocks). Returns the decoder's output (stride 2) in a list.

    The blocks are built with their own defaults (BN with eps 1e-3, ReLU,
    plain convs), as in 0.28: ``conv_cfg``, ``norm_cfg`` and ``act_cfg``
    are kept as attributes only, so that 0.28 checkpoints and outputs
    carry over.

    Args:
        in_channels: Input image channels.
        enc_downsample_channels: Output of each encoder downsampler.
        enc_stage_non_bottlenecks: Non-bottleneck blocks after each
            downsampler but the first; the last a multiple of the number of
            dilations.
        enc_non_bottleneck_dilations: Dilations cycled through in the last
            encoder stage.
        enc_non_bottleneck_channels: One entry per encoder stage after the
            first (checked, as in 0.28; the blocks take the width of the
            downsampler before them).
        dec_upsample_channels: One entry per decoder upsampler (checked, as
            in 0.28; the widths are ``dec_non_bottleneck_channels``).
        dec_stages_non_bottleneck: Non-bottleneck blocks after each
            upsampler.
        dec_non_bottleneck_channels: Output of each upsampler and width of
            the blocks after it.
        dropout_ratio: Dropout of the encoder's non-bottleneck blocks.
        conv_cfg: Conv layer config (see above).
        norm_cfg: Norm layer config (see above).
        act_cfg: Activation config (see above).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 enc_downsample_channels: Sequence[int] = (16, 64, 128),
                 enc_stage_non_bottlenecks: Sequence[int] = (5, 8),
                 enc_non_bottleneck_dilations: Sequence[int] = (2, 4, 8, 16),
                 enc_non_bottleneck_channels: Sequence[int] = (64, 128),
                 dec_upsample_channels: Sequence[int] = (64, 16),
                 dec_stages_non_bottleneck: Sequence[int] = (2, 2),
                 dec_non_bottleneck_channels: Sequence[int] = (64, 16),
                 dropout_ratio: float = 0.1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN',
                                                 requires_grad=True),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        num_down = len(enc_downsample_channels)
        for name, value, expected in (
                ('dec_upsample_channels', dec_upsample_channels, num_down - 1),
                ('enc_stage_non_bottlenecks', enc_stage_non_bottlenecks,
                 num_down - 1),
                ('enc_non_bottleneck_channels', enc_non_bottleneck_channels,
                 num_down - 1),
                ('dec_stages_non_bottleneck', dec_stages_non_bottleneck,
                 len(dec_upsample_channels)),
                ('dec_non_bottleneck_channels', dec_non_bottleneck_channels,
                 len(dec_upsample_channels))):
            if len(value) != expected:
                raise ValueError(f'ERFNet: {name} needs {expected} entries '
                                 f'(one per stage), got {len(value)}')
        if enc_stage_non_bottlenecks[-1] % len(
                enc_non_bottleneck_dilations):
            raise ValueError(
                'ERFNet: enc_stage_non_bottlenecks[-1] '
                f'({enc_stage_non_bottlenecks[-1]}) must be a multiple of '
                'the number of enc_non_bottleneck_dilations '
                f'({len(enc_non_bottleneck_dilations)})')
        self.in_channels = in_channels
        self.enc_downsample_channels = enc_downsample_channels
        self.enc_stage_non_bottlenecks = enc_stage_non_bottlenecks
        self.enc_non_bottleneck_dilations = enc_non_bottleneck_dilations
        self.enc_non_bottleneck_channels = enc_non_bottleneck_channels
        self.dec_upsample_channels = dec_upsample_channels
        self.dec_stages_non_bottleneck = dec_stages_non_bottleneck
        self.dec_non_bottleneck_channels = dec_non_bottleneck_channels
        self.dropout_ratio = dropout_ratio
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg

        self.encoder = nn.ModuleList(
            [DownsamplerBlock(in_channels, enc_downsample_channels[0])])
        for i in range(num_down - 1):
            channels = enc_downsample_channels[i + 1]
            self.encoder.append(
                DownsamplerBlock(enc_downsample_channels[i], channels))
            if i == num_down - 2:
                dilations = list(enc_non_bottleneck_dilations) * (
                    enc_stage_non_bottlenecks[-1] //
                    len(enc_non_bottleneck_dilations))
            else:
                dilations = [1] * enc_stage_non_bottlenecks[i]
            self.encoder.extend(
                NonBottleneck1d(channels, dropout_ratio, rate)
                for rate in dilations)

        self.decoder = nn.ModuleList()
        in_dec = enc_downsample_channels[-1]
        for channels, num_blocks in zip(dec_non_bottleneck_channels,
                                        dec_stages_non_bottleneck):
            self.decoder.append(UpsamplerBlock(in_dec, channels))
            self.decoder.extend(
                NonBottleneck1d(channels) for _ in range(num_blocks))
            in_dec = channels

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        for layer in self.encoder:
            x = layer(x)
        for layer in self.decoder:
            x = layer(x)
        return [x]
