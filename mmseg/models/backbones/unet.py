"""UNet (arXiv:1505.04597) and its upsampling modules ``InterpConv`` and
``DeconvModule``; 0.28 key names."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule, build_activation_layer, build_norm_layer
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.ops import Upsample
from mmseg.registry import MODELS

from ..utils.pretrained import CONV_NORM_INIT, pretrained_init_cfg
from ..utils.up_conv_block import UpConvBlock, check_no_plugins


def _run(module: nn.Module, x: torch.Tensor, with_cp: bool) -> torch.Tensor:
    if with_cp and x.requires_grad:
        return cp.checkpoint(module, x, use_reentrant=False)
    return module(x)


class BasicConvBlock(nn.Module):
    """``num_convs`` 3x3 conv-norm-act layers; the first may have a stride
    of 2, the others the dilation.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        num_convs: Number of convs.
        stride: Stride of the first conv (1 or 2).
        dilation: Dilation of the convs after the first.
        with_cp: Gradient checkpointing.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        dcn: Not supported (must be None).
        plugins: Not supported (must be None).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_convs: int = 2,
                 stride: int = 1,
                 dilation: int = 1,
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 dcn=None,
                 plugins=None):
        super().__init__()
        check_no_plugins('BasicConvBlock', dcn, plugins)
        self.with_cp = with_cp
        self.convs = nn.Sequential(*[
            ConvModule(in_channels if i == 0 else out_channels, out_channels,
                       3, stride=stride if i == 0 else 1,
                       dilation=1 if i == 0 else dilation,
                       padding=1 if i == 0 else dilation, conv_cfg=conv_cfg,
                       norm_cfg=norm_cfg, act_cfg=act_cfg)
            for i in range(num_convs)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self.convs, x, self.with_cp)


@MODELS.register_module()
class DeconvModule(nn.Module):
    """Transposed-conv upsampling, then norm and activation.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        with_cp: Gradient checkpointing.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        kernel_size: Kernel of the transposed conv; ``kernel_size -
            scale_factor`` must be even and non-negative.
        scale_factor: Upsampling factor (the stride).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 with_cp: bool = False,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'),
                 *,
                 kernel_size: int = 4,
                 scale_factor: int = 2):
        super().__init__()
        extra = kernel_size - scale_factor
        if extra < 0 or extra % 2:
            raise ValueError(
                'DeconvModule: kernel_size - scale_factor must be even and '
                f'>= 0, got kernel_size={kernel_size}, '
                f'scale_factor={scale_factor}')
        self.with_cp = with_cp
        deconv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size,
                                    stride=scale_factor, padding=extra // 2)
        norm = build_norm_layer(norm_cfg, out_channels)[1]
        # 0.28's spelling
        self.deconv_upsamping = nn.Sequential(
            deconv, norm, build_activation_layer(act_cfg))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self.deconv_upsamping, x, self.with_cp)


@MODELS.register_module()
class InterpConv(nn.Module):
    """Interpolation and a conv-norm-act, in either order.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        with_cp: Gradient checkpointing.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        conv_cfg: Conv layer config.
        conv_first: Conv before the interpolation.
        kernel_size: Kernel of the conv.
        stride: Stride of the conv.
        padding: Padding of the conv.
        upsample_cfg: Arguments of :class:`mmseg.ops.Upsample`.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 with_cp: bool = False,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 *,
                 conv_cfg: Optional[dict] = None,
                 conv_first: bool = False,
                 kernel_size: int = 1,
                 stride: int = 1,
                 padding: int = 0,
                 upsample_cfg: dict = dict(scale_factor=2, mode='bilinear',
                                           align_corners=False)):
        super().__init__()
        self.with_cp = with_cp
        conv = ConvModule(in_channels, out_channels, kernel_size,
                          stride=stride, padding=padding, conv_cfg=conv_cfg,
                          norm_cfg=norm_cfg, act_cfg=act_cfg)
        upsample = Upsample(**upsample_cfg)
        self.interp_upsample = nn.Sequential(
            *((conv, upsample) if conv_first else (upsample, conv)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _run(self.interp_upsample, x, self.with_cp)


@MODELS.register_module()
class UNet(BaseModule):
    """UNet backbone.

    Stage ``i`` of the encoder has ``base_channels * 2**i`` channels and
    downsamples by a stride-2 first conv (``strides[i] == 2``) or a max
    pool (``downsamples[i - 1]``). Returns the deepest encoder output and
    every decoder output, deepest first (``num_stages`` maps).

    Args:
        in_channels: Input image channels.
        base_channels: Channels of the first stage.
        num_stages: Encoder stages.
        strides: Stride of each encoder stage (``num_stages`` values).
        enc_num_convs: Convs of each encoder stage.
        dec_num_convs: Convs of each decoder stage (``num_stages - 1``).
        downsamples: Max pool before encoder stages 1.. (``num_stages - 1``).
        enc_dilations: Dilations of the encoder stages.
        dec_dilations: Dilations of the decoder stages.
        with_cp: Gradient checkpointing.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        upsample_cfg: Upsampling module of the decoder blocks.
        norm_eval: Keep the batch norms in eval mode while training.
        dcn: Not supported (must be None).
        plugins: Not supported (must be None).
        pretrained: Checkpoint (0.28's deprecated argument).
        init_cfg: Initialisation config; default Kaiming convs, unit norms.

    The input's height and width must be divisible by the encoder's whole
    downsampling rate.
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 num_stages: int = 5,
                 strides: Sequence[int] = (1, 1, 1, 1, 1),
                 enc_num_convs: Sequence[int] = (2, 2, 2, 2, 2),
                 dec_num_convs: Sequence[int] = (2, 2, 2, 2),
                 downsamples: Sequence[bool] = (True, True, True, True),
                 enc_dilations: Sequence[int] = (1, 1, 1, 1, 1),
                 dec_dilations: Sequence[int] = (1, 1, 1, 1),
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 upsample_cfg: Optional[dict] = dict(type='InterpConv'),
                 norm_eval: bool = False,
                 dcn=None,
                 plugins=None,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg,
                                             CONV_NORM_INIT))
        self.pretrained = pretrained
        check_no_plugins('UNet', dcn, plugins)
        for name, value, length in (
                ('strides', strides, num_stages),
                ('enc_num_convs', enc_num_convs, num_stages),
                ('dec_num_convs', dec_num_convs, num_stages - 1),
                ('downsamples', downsamples, num_stages - 1),
                ('enc_dilations', enc_dilations, num_stages),
                ('dec_dilations', dec_dilations, num_stages - 1)):
            if len(value) != length:
                raise ValueError(
                    f'UNet: {name} needs {length} values for num_stages='
                    f'{num_stages}, got {tuple(value)}')
        self.num_stages = num_stages
        self.strides = strides
        self.downsamples = downsamples
        self.norm_eval = norm_eval
        self.base_channels = base_channels
        common = dict(with_cp=with_cp, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                      act_cfg=act_cfg, dcn=None, plugins=None)
        self.encoder = nn.ModuleList()
        self.decoder = nn.ModuleList()
        for i in range(num_stages):
            channels = base_channels * 2**i
            stage = []
            if i != 0:
                pooled = strides[i] == 1 and downsamples[i - 1]
                if pooled:
                    stage.append(nn.MaxPool2d(kernel_size=2))
                upsample = strides[i] != 1 or downsamples[i - 1]
                self.decoder.append(UpConvBlock(
                    conv_block=BasicConvBlock, in_channels=channels,
                    skip_channels=channels // 2, out_channels=channels // 2,
                    num_convs=dec_num_convs[i - 1], stride=1,
                    dilation=dec_dilations[i - 1],
                    upsample_cfg=upsample_cfg if upsample else None,
                    **common))
            stage.append(BasicConvBlock(
                in_channels, channels, num_convs=enc_num_convs[i],
                stride=strides[i], dilation=enc_dilations[i], **common))
            self.encoder.append(nn.Sequential(*stage))
            in_channels = channels

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        self._check_input_divisible(x)
        enc_outs = []
        for enc in self.encoder:
            x = enc(x)
            enc_outs.append(x)
        dec_outs = [x]
        for i in reversed(range(len(self.decoder))):
            x = self.decoder[i](enc_outs[i], x)
            dec_outs.append(x)
        return dec_outs

    def train(self, mode: bool = True):
        super().train(mode)
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    def _check_input_divisible(self, x: torch.Tensor) -> None:
        rate = 1
        for i in range(1, self.num_stages):
            if self.strides[i] == 2 or self.downsamples[i - 1]:
                rate *= 2
        h, w = x.shape[-2:]
        if h % rate or w % rate:
            raise ValueError(
                f'UNet: the input size {(h, w)} must be divisible by the '
                f'encoder downsampling rate {rate} (num_stages='
                f'{self.num_stages}, strides={tuple(self.strides)}, '
                f'downsamples={tuple(self.downsamples)}): pad or crop it')
