"""ResNet (0.28 ``ResNet``, ``ResNetV1c``, ``ResNetV1d``) and its residual
blocks, which HRNet uses too; 0.28 key names."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule

from mmseg.registry import MODELS

from ..utils import ResLayer
from ..utils.frozen_stages import FrozenStagesMixin
from ..utils.pretrained import CONV_NORM_INIT, pretrained_init_cfg


def _run(block_forward, x, with_cp):
    if with_cp and x.requires_grad:
        return cp.checkpoint(block_forward, x, use_reentrant=False)
    return block_forward(x)


class BasicBlock(BaseModule):
    """Two 3x3 convolutions with a shortcut (``conv1/bn1/conv2/bn2``)."""

    expansion = 1

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 stride: int = 1,
                 dilation: int = 1,
                 downsample: Optional[nn.Module] = None,
                 style: str = 'pytorch',
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, planes, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, planes, postfix=2)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, planes, 3,
                                      stride=stride, padding=dilation,
                                      dilation=dilation, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(conv_cfg, planes, planes, 3, padding=1,
                                      bias=False)
        self.add_module(self.norm2_name, norm2)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.dilation = dilation
        self.with_cp = with_cp

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    @property
    def norm2(self) -> nn.Module:
        return getattr(self, self.norm2_name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:

        def residual(x):
            out = self.relu(self.norm1(self.conv1(x)))
            out = self.norm2(self.conv2(out))
            identity = x if self.downsample is None else self.downsample(x)
            return out + identity

        return self.relu(_run(residual, x, self.with_cp))


class Bottleneck(BaseModule):
    """1x1-3x3-1x1 bottleneck (``conv1..3/bn1..3``), expansion 4.

    ``style='pytorch'`` puts the stride on the 3x3 conv, 'caffe' on the
    first 1x1 conv.
    """

    expansion = 4

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 stride: int = 1,
                 dilation: int = 1,
                 downsample: Optional[nn.Module] = None,
                 style: str = 'pytorch',
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        assert style in ('pytorch', 'caffe')
        conv1_stride, conv2_stride = (1, stride) if style == 'pytorch' \
            else (stride, 1)
        out_planes = planes * self.expansion
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, planes, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, planes, postfix=2)
        self.norm3_name, norm3 = build_norm_layer(norm_cfg, out_planes,
                                                  postfix=3)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, planes, 1,
                                      stride=conv1_stride, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(conv_cfg, planes, planes, 3,
                                      stride=conv2_stride, padding=dilation,
                                      dilation=dilation, bias=False)
        self.add_module(self.norm2_name, norm2)
        self.conv3 = build_conv_layer(conv_cfg, planes, out_planes, 1,
                                      bias=False)
        self.add_module(self.norm3_name, norm3)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride
        self.dilation = dilation
        self.with_cp = with_cp

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    @property
    def norm2(self) -> nn.Module:
        return getattr(self, self.norm2_name)

    @property
    def norm3(self) -> nn.Module:
        return getattr(self, self.norm3_name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:

        def residual(x):
            out = self.relu(self.norm1(self.conv1(x)))
            out = self.relu(self.norm2(self.conv2(out)))
            out = self.norm3(self.conv3(out))
            identity = x if self.downsample is None else self.downsample(x)
            return out + identity

        return self.relu(_run(residual, x, self.with_cp))


@MODELS.register_module()
class ResNet(FrozenStagesMixin, BaseModule):
    """ResNet (arXiv:1512.03385) with dilation options for segmentation.

    Args:
        depth: 18, 34, 50, 101 or 152.
        in_channels: Input image channels.
        stem_channels: Output channels of the stem.
        base_channels: Width of the first stage (doubled per stage).
        num_stages: Stages used (1 to 4).
        strides: Stride of each stage.
        dilations: Dilation of each stage.
        out_indices: Stages whose outputs are returned.
        style: 'pytorch' (stride on the 3x3 conv) or 'caffe' (on the 1x1).
        deep_stem: Three 3x3 convs (``stem``) instead of one 7x7 conv.
        avg_down: Average-pool the shortcut before its 1x1 conv.
        frozen_stages: Stages to freeze (-1: none, 0: the stem only).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        norm_eval: Keep norm layers in eval mode while training.
        multi_grid: Dilations of the last stage's blocks.
        contract_dilation: Halve the first block's dilation in a stage.
        with_cp: Gradient checkpointing in the blocks.
        zero_init_residual: Zero-initialise each block's last norm.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    arch_settings = {
        18: (BasicBlock, (2, 2, 2, 2)),
        34: (BasicBlock, (3, 4, 6, 3)),
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3))
    }

    def __init__(self,
                 depth: int,
                 in_channels: int = 3,
                 stem_channels: int = 64,
                 base_channels: int = 64,
                 num_stages: int = 4,
                 strides: Sequence[int] = (1, 2, 2, 2),
                 dilations: Sequence[int] = (1, 1, 1, 1),
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 style: str = 'pytorch',
                 deep_stem: bool = False,
                 avg_down: bool = False,
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 multi_grid: Optional[Sequence[int]] = None,
                 contract_dilation: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = True,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        if depth not in self.arch_settings:
            raise KeyError(f'invalid depth {depth} for resnet; choose from '
                           f'{sorted(self.arch_settings)}')
        block, stage_blocks = self.arch_settings[depth]
        block_init_cfg = None
        if zero_init_residual and pretrained is None and init_cfg is None:
            last_norm = 'norm2' if block is BasicBlock else 'norm3'
            block_init_cfg = dict(type='Constant', val=0,
                                  override=dict(name=last_norm))
        super().__init__(pretrained_init_cfg(pretrained, init_cfg,
                                             CONV_NORM_INIT))
        assert 1 <= num_stages <= 4
        assert len(strides) == len(dilations) == num_stages, \
            'strides and dilations need one entry per stage'
        assert max(out_indices) < num_stages
        self.depth = depth
        self.stem_channels = stem_channels
        self.base_channels = base_channels
        self.num_stages = num_stages
        self.strides = strides
        self.dilations = dilations
        self.out_indices = out_indices
        self.style = style
        self.deep_stem = deep_stem
        self.avg_down = avg_down
        self.frozen_stages = frozen_stages
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.norm_eval = norm_eval
        self.multi_grid = multi_grid
        self.contract_dilation = contract_dilation
        self.with_cp = with_cp
        self.block = block
        self.stage_blocks = stage_blocks[:num_stages]
        self._make_stem_layer(in_channels, stem_channels)

        self.res_layers = []
        inplanes = stem_channels
        for i, num_blocks in enumerate(self.stage_blocks):
            planes = base_channels * 2**i
            res_layer = self.make_res_layer(
                block=block, inplanes=inplanes, planes=planes,
                num_blocks=num_blocks, stride=strides[i],
                dilation=dilations[i], avg_down=avg_down, conv_cfg=conv_cfg,
                norm_cfg=norm_cfg,
                multi_grid=multi_grid if i == num_stages - 1 else None,
                contract_dilation=contract_dilation, style=style,
                with_cp=with_cp, init_cfg=block_init_cfg)
            inplanes = planes * block.expansion
            layer_name = f'layer{i + 1}'
            self.add_module(layer_name, res_layer)
            self.res_layers.append(layer_name)
        self.feat_dim = inplanes
        self._freeze_stages()

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    def make_res_layer(self, **kwargs) -> ResLayer:
        """One stage; subclasses add block arguments (e.g. ResNeXt)."""
        return ResLayer(**kwargs)

    def _make_stem_layer(self, in_channels: int, stem_channels: int) -> None:
        def conv_norm_relu(cin, cout, stride):
            return [
                build_conv_layer(self.conv_cfg, cin, cout, 3, stride=stride,
                                 padding=1, bias=False),
                build_norm_layer(self.norm_cfg, cout)[1],
                nn.ReLU(inplace=True)
            ]

        if self.deep_stem:
            half = stem_channels // 2
            self.stem = nn.Sequential(
                *conv_norm_relu(in_channels, half, 2),
                *conv_norm_relu(half, half, 1),
                *conv_norm_relu(half, stem_channels, 1))
        else:
            self.conv1 = build_conv_layer(self.conv_cfg, in_channels,
                                          stem_channels, 7, stride=2,
                                          padding=3, bias=False)
            self.norm1_name, norm1 = build_norm_layer(self.norm_cfg,
                                                      stem_channels,
                                                      postfix=1)
            self.add_module(self.norm1_name, norm1)
            self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.stem] if self.deep_stem else [self.norm1, self.conv1]
        frozen += [getattr(self, f'layer{i}')
                   for i in range(1, self.frozen_stages + 1)]
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """Outputs of the stages in ``out_indices``."""
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        x = self.maxpool(x)
        outs = []
        for i, layer_name in enumerate(self.res_layers):
            x = getattr(self, layer_name)(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


@MODELS.register_module()
class ResNetV1c(ResNet):
    """ResNet with the deep stem (three 3x3 convs), as 0.28's ``ResNetV1c``.

    Args:
        **kwargs: ``ResNet`` arguments.
    """

    def __init__(self, **kwargs):
        super().__init__(deep_stem=True, avg_down=False, **kwargs)


@MODELS.register_module()
class ResNetV1d(ResNet):
    """ResNetV1c plus average-pooled shortcuts, as 0.28's ``ResNetV1d``.

    Args:
        **kwargs: ``ResNet`` arguments.
    """

    def __init__(self, **kwargs):
        super().__init__(deep_stem=True, avg_down=True, **kwargs)
