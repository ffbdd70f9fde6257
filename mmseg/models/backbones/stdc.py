"""STDC (arXiv:2104.13188): ``STDCNet`` and ``STDCContextPathNet``, the
STDC backbone with BiSeNet's context path; 0.28 key names."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, ModuleList, Sequential

from mmseg.ops import resize
from mmseg.registry import MODELS

from ..utils.pretrained import pretrained_init_cfg
from .bisenetv1 import AttentionRefinementModule


class STDCModule(BaseModule):
    """Short-term dense concatenation: a chain of convs, each halving the
    channels (the last two equal), whose outputs are concatenated.

    Args:
        in_channels: Input channels.
        out_channels: Output channels (sum of the chain's outputs).
        stride: 1, or 2 to downsample after the first conv.
        norm_cfg: Norm layer config.
        act_cfg: Activation of the convs after the first.
        num_convs: Convs in the chain (> 1).
        fusion_type: 'cat' (the stride-2 skip is an average pool of the
            first output) or 'add' (the concatenation plus a projected
            input).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: Optional[dict] = None, num_convs: int = 4,
                 fusion_type: str = 'add', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if num_convs <= 1:
            raise ValueError(f'STDCModule: num_convs must be > 1, got '
                             f'{num_convs}')
        if fusion_type not in ('add', 'cat'):
            raise ValueError("STDCModule: fusion_type must be 'add' or "
                             f"'cat', got {fusion_type!r}")
        self.stride = stride
        self.with_downsample = stride == 2
        self.fusion_type = fusion_type
        half = out_channels // 2
        self.layers = ModuleList()
        conv_0 = ConvModule(in_channels, half, 1, norm_cfg=norm_cfg)
        if self.with_downsample:
            self.downsample = ConvModule(half, half, 3, stride=2, padding=1,
                                         groups=half, norm_cfg=norm_cfg,
                                         act_cfg=None)
            if fusion_type == 'add':
                self.layers.append(nn.Sequential(conv_0, self.downsample))
                self.skip = Sequential(
                    ConvModule(in_channels, in_channels, 3, stride=2,
                               padding=1, groups=in_channels,
                               norm_cfg=norm_cfg, act_cfg=None),
                    ConvModule(in_channels, out_channels, 1,
                               norm_cfg=norm_cfg, act_cfg=None))
            else:
                self.layers.append(conv_0)
                self.skip = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)
        else:
            self.layers.append(conv_0)
        for i in range(1, num_convs):
            factor = 2**(i + 1) if i != num_convs - 1 else 2**i
            self.layers.append(ConvModule(
                out_channels // 2**i, out_channels // factor, 3, padding=1,
                norm_cfg=norm_cfg, act_cfg=act_cfg))

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.fusion_type == 'add':
            return self.forward_add(inputs)
        return self.forward_cat(inputs)

    def forward_add(self, inputs: torch.Tensor) -> torch.Tensor:
        outs = []
        x = inputs
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        if self.with_downsample:
            inputs = self.skip(inputs)
        return torch.cat(outs, dim=1) + inputs

    def forward_cat(self, inputs: torch.Tensor) -> torch.Tensor:
        x0 = self.layers[0](inputs)
        x = self.downsample(x0) if self.with_downsample else x0
        outs = [self.skip(x0) if self.with_downsample else x0]
        for layer in self.layers[1:]:
            x = layer(x)
            outs.append(x)
        return torch.cat(outs, dim=1)


class FeatureFusionModule(BaseModule):
    """STDC's fusion: concatenate, 1x1 conv, add a copy gated by a two-conv
    channel attention (``out_channels // scale_factor`` in between).

    Args:
        in_channels: Channels of both inputs together.
        out_channels: Output channels.
        scale_factor: Reduction of the attention's middle channels.
        norm_cfg: Norm of the first conv.
        act_cfg: Activation of the first two convs.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 scale_factor: int = 4, norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'), init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        mid = out_channels // scale_factor
        self.conv0 = ConvModule(in_channels, out_channels, 1,
                                norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.attention = nn.Sequential(
            nn.AdaptiveAvgPool2d((1, 1)),
            ConvModule(out_channels, mid, 1, norm_cfg=None, bias=False,
                       act_cfg=act_cfg),
            ConvModule(mid, out_channels, 1, norm_cfg=None, bias=False,
                       act_cfg=None),
            nn.Sigmoid())

    def forward(self, spatial_inputs: torch.Tensor,
                context_inputs: torch.Tensor) -> torch.Tensor:
        x = self.conv0(torch.cat([spatial_inputs, context_inputs], dim=1))
        return x * self.attention(x) + x


@MODELS.register_module()
class STDCNet(BaseModule):
    """STDC backbone: two stride-2 convs, then three stages of STDC modules;
    returns the three stages' outputs (strides 8, 16, 32).

    Args:
        stdc_type: 'STDCNet1' or 'STDCNet2' (modules per stage).
        in_channels: Input image channels.
        channels: Channels of the two convs and the three stages.
        bottleneck_type: ``fusion_type`` of the modules, 'add' or 'cat'.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        num_convs: Convs per STDC module.
        with_final_conv: A 1x1 conv on the last output (to at least 1024
            channels).
        pretrained: Checkpoint to initialise from (0.28 accepts and ignores
            it; here it becomes a ``Pretrained`` ``init_cfg``).
        init_cfg: Initialisation config.
    """

    arch_settings = {
        'STDCNet1': [(2, 1), (2, 1), (2, 1)],
        'STDCNet2': [(2, 1, 1, 1), (2, 1, 1, 1, 1), (2, 1, 1)]
    }

    def __init__(self,
                 stdc_type: str,
                 in_channels: int,
                 channels: Sequence[int],
                 bottleneck_type: str,
                 norm_cfg: dict,
                 act_cfg: dict,
                 num_convs: int = 4,
                 with_final_conv: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(init_cfg=pretrained_init_cfg(pretrained, init_cfg))
        if stdc_type not in self.arch_settings:
            raise ValueError(f'STDCNet: stdc_type must be one of '
                             f'{sorted(self.arch_settings)}, got '
                             f'{stdc_type!r}')
        if bottleneck_type not in ('add', 'cat'):
            raise ValueError("STDCNet: bottleneck_type must be 'add' or "
                             f"'cat', got {bottleneck_type!r}")
        if len(channels) != 5:
            raise ValueError(f'STDCNet: channels needs 5 values, got '
                             f'{tuple(channels)}')
        self.in_channels = in_channels
        self.channels = channels
        self.stage_strides = self.arch_settings[stdc_type]
        self.num_convs = num_convs
        self.with_final_conv = with_final_conv
        self.stages = ModuleList([
            ConvModule(in_channels, channels[0], 3, stride=2, padding=1,
                       norm_cfg=norm_cfg, act_cfg=act_cfg),
            ConvModule(channels[0], channels[1], 3, stride=2, padding=1,
                       norm_cfg=norm_cfg, act_cfg=act_cfg)
        ])
        self.num_shallow_features = len(self.stages)
        for i, strides in enumerate(self.stage_strides, start=1):
            self.stages.append(Sequential(*[
                STDCModule(channels[i] if j == 0 else channels[i + 1],
                           channels[i + 1], stride, norm_cfg, act_cfg,
                           num_convs=num_convs, fusion_type=bottleneck_type)
                for j, stride in enumerate(strides)
            ]))
        if with_final_conv:
            self.final_conv = ConvModule(channels[-1],
                                         max(1024, channels[-1]), 1,
                                         norm_cfg=norm_cfg, act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        if self.with_final_conv:
            outs[-1] = self.final_conv(outs[-1])
        return tuple(outs[self.num_shallow_features:])


@MODELS.register_module()
class STDCContextPathNet(BaseModule):
    """STDCNet with a context path (Fig. 4 of the paper).

    Outputs: the backbone's stride-8 features (for ``STDCHead``'s detail
    loss), the context path's two refined maps (strides 16 and 8), and the
    fusion of the stride-8 features with the last of them (for the decode
    head).

    Args:
        backbone_cfg: Config of the STDC backbone.
        last_in_channels: Channels of the backbone's last two outputs,
            deepest first.
        out_channels: Channels of the context path.
        ffm_cfg: Arguments of :class:`FeatureFusionModule`.
        upsample_mode: Interpolation of the context path.
        align_corners: Its ``align_corners`` (None for 'nearest').
        norm_cfg: Norm layer config of the context path's convs.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 backbone_cfg: dict,
                 last_in_channels: Sequence[int] = (1024, 512),
                 out_channels: int = 128,
                 ffm_cfg: dict = dict(in_channels=512, out_channels=256,
                                      scale_factor=4),
                 upsample_mode: str = 'nearest',
                 align_corners: Optional[bool] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone_cfg)
        self.arms = ModuleList()
        self.convs = ModuleList()
        for channels in last_in_channels:
            self.arms.append(AttentionRefinementModule(channels,
                                                       out_channels))
            self.convs.append(ConvModule(out_channels, out_channels, 3,
                                         padding=1, norm_cfg=norm_cfg))
        self.conv_avg = ConvModule(last_in_channels[0], out_channels, 1,
                                   norm_cfg=norm_cfg)
        self.ffm = FeatureFusionModule(**ffm_cfg)
        self.upsample_mode = upsample_mode
        self.align_corners = align_corners

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = list(self.backbone(x))
        up = self.conv_avg(F.adaptive_avg_pool2d(outs[-1], 1))
        up = resize(up, size=outs[-1].shape[2:], mode=self.upsample_mode,
                    align_corners=self.align_corners)
        arms_out = []
        for i, (arm, conv) in enumerate(zip(self.arms, self.convs)):
            feat = outs[-1 - i]
            up = resize(arm(feat) + up, size=outs[-2 - i].shape[2:],
                        mode=self.upsample_mode,
                        align_corners=self.align_corners)
            up = conv(up)
            arms_out.append(up)
        feat_fuse = self.ffm(outs[0], arms_out[1])
        return (outs[0], *arms_out, feat_fuse)
