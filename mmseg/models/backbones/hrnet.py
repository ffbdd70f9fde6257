from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule, ModuleList, Sequential

from mmseg.ops import Upsample, resize
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..utils.frozen_stages import FrozenStagesMixin
from ..utils.pretrained import CONV_NORM_INIT, pretrained_init_cfg
from .resnet import BasicBlock, Bottleneck

BLOCKS = {'BASIC': BasicBlock, 'BOTTLENECK': Bottleneck}


def _conv_bn(conv_cfg, norm_cfg, in_ch, out_ch, kernel, stride, relu):
    """conv (no bias) + norm (+ ReLU) as an ``nn.Sequential``."""
    layers = [
        build_conv_layer(conv_cfg, in_ch, out_ch, kernel_size=kernel,
                         stride=stride, padding=kernel // 2, bias=False),
        build_norm_layer(norm_cfg, out_ch)[1],
    ]
    if relu:
        layers.append(nn.ReLU(inplace=False))
    return nn.Sequential(*layers)


def _zero_init_cfg(block, zero_init_residual):
    if not zero_init_residual:
        return None
    last_norm = 'norm2' if block is BasicBlock else 'norm3'
    return dict(type='Constant', val=0, override=dict(name=last_norm))


def _make_blocks(block, inplanes, planes, num_blocks, conv_cfg, norm_cfg,
                 with_cp, block_init_cfg, stride=1):
    """A stack of residual blocks; the first one adapts channels/stride."""
    downsample = None
    if stride != 1 or inplanes != planes * block.expansion:
        downsample = nn.Sequential(
            build_conv_layer(conv_cfg, inplanes, planes * block.expansion,
                             kernel_size=1, stride=stride, bias=False),
            build_norm_layer(norm_cfg, planes * block.expansion)[1])
    common = dict(with_cp=with_cp, norm_cfg=norm_cfg, conv_cfg=conv_cfg,
                  init_cfg=block_init_cfg)
    layers = [block(inplanes, planes, stride, downsample=downsample,
                    **common)]
    for _ in range(1, num_blocks):
        layers.append(block(planes * block.expansion, planes, **common))
    return Sequential(*layers)


class HRModule(BaseModule):
    """Parallel branches followed by the exchange of all resolutions.

    Output ``i`` sums every branch brought to resolution ``i``: higher
    resolutions through strided 3x3 convs, lower ones through a 1x1 conv and
    bilinear upsampling.
    """

    def __init__(self,
                 num_branches: int,
                 blocks,
                 num_blocks: Sequence[int],
                 in_channels: List[int],
                 num_channels: Sequence[int],
                 multiscale_output: bool = True,
                 with_cp: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 block_init_cfg=None,
                 init_cfg=None):
        super().__init__(init_cfg)
        for name, seq in (('NUM_BLOCKS', num_blocks),
                          ('NUM_CHANNELS', num_channels),
                          ('NUM_INCHANNELS', in_channels)):
            if len(seq) != num_branches:
                raise ValueError(f'NUM_BRANCHES({num_branches}) <> '
                                 f'{name}({len(seq)})')
        self.num_branches = num_branches
        self.multiscale_output = multiscale_output
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.with_cp = with_cp
        self.in_channels = list(in_channels)
        branches = []
        for i in range(num_branches):
            branches.append(
                _make_blocks(blocks, self.in_channels[i], num_channels[i],
                             num_blocks[i], conv_cfg, norm_cfg, with_cp,
                             block_init_cfg))
            self.in_channels[i] = num_channels[i] * blocks.expansion
        self.branches = ModuleList(branches)
        self.fuse_layers = self._make_fuse_layers()
        self.relu = nn.ReLU(inplace=False)

    def _make_fuse_layers(self) -> Optional[nn.ModuleList]:
        if self.num_branches == 1:
            return None
        ch = self.in_channels
        num_out = self.num_branches if self.multiscale_output else 1
        fuse_layers = []
        for i in range(num_out):
            row = []
            for j in range(self.num_branches):
                if j > i:
                    row.append(nn.Sequential(
                        build_conv_layer(self.conv_cfg, ch[j], ch[i], 1,
                                         bias=False),
                        build_norm_layer(self.norm_cfg, ch[i])[1],
                        Upsample(scale_factor=2**(j - i), mode='bilinear',
                                 align_corners=False)))
                elif j == i:
                    row.append(None)
                else:
                    # i - j stride-2 convs; only the last changes channels
                    steps = [
                        _conv_bn(self.conv_cfg, self.norm_cfg, ch[j], ch[j],
                                 3, 2, relu=True) for _ in range(i - j - 1)
                    ]
                    steps.append(_conv_bn(self.conv_cfg, self.norm_cfg,
                                          ch[j], ch[i], 3, 2, relu=False))
                    row.append(nn.Sequential(*steps))
            fuse_layers.append(nn.ModuleList(row))
        return nn.ModuleList(fuse_layers)

    def forward(self, x: List[torch.Tensor]) -> List[torch.Tensor]:
        if self.num_branches == 1:
            return [self.branches[0](x[0])]
        x = [branch(xi) for branch, xi in zip(self.branches, x)]
        outs = []
        for i, row in enumerate(self.fuse_layers):
            y = 0
            for j, fuse in enumerate(row):
                if j == i:
                    y = y + x[j]
                elif j > i:
                    y = y + resize(fuse(x[j]), size=x[i].shape[2:],
                                   mode='bilinear', align_corners=False)
                else:
                    y = y + fuse(x[j])
            outs.append(self.relu(y))
        return outs


@MODELS.register_module()
class HRNet(FrozenStagesMixin, BaseModule):
    """HRNet backbone (High-Resolution Representations, arXiv:1904.04514).

    Args:
        extra: ``stage1`` .. ``stage4`` dicts, each with ``num_modules``,
            ``num_branches``, ``block`` ('BASIC' or 'BOTTLENECK'),
            ``num_blocks`` and ``num_channels``.
        in_channels: Image channels.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        norm_eval: Keep norm layers in eval mode while training.
        with_cp: Gradient checkpointing in the residual blocks.
        frozen_stages: Stages to freeze (-1: none; 0: the stem).
        zero_init_residual: Zero the last norm of every residual block.
        multiscale_output: Output all resolutions, or only the highest.
        pretrained: Checkpoint path or URL (sets ``init_cfg``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 extra: dict,
                 in_channels: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 frozen_stages: int = -1,
                 zero_init_residual: bool = False,
                 multiscale_output: bool = True,
                 pretrained: Optional[str] = None,
                 init_cfg=None):
        super().__init__(pretrained_init_cfg(pretrained, init_cfg,
                                             CONV_NORM_INIT))
        for i in range(1, 5):
            if f'stage{i}' not in extra:
                raise InvalidArgumentError(
                    f'HRNet: extra has no stage{i}; HRNet needs the four '
                    'stages stage1..stage4')
            cfg = extra[f'stage{i}']
            assert len(cfg['num_blocks']) == cfg['num_branches'] and \
                len(cfg['num_channels']) == cfg['num_branches'], \
                f'stage{i}: num_blocks/num_channels must have ' \
                'num_branches entries'
        self.extra = extra
        self.pretrained = pretrained
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.frozen_stages = frozen_stages
        self.zero_init_residual = zero_init_residual and pretrained is None

        # stem: two stride-2 3x3 convs to 1/4 resolution
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, 64, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, 64, postfix=2)
        self.conv1 = build_conv_layer(conv_cfg, in_channels, 64, 3, stride=2,
                                      padding=1, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(conv_cfg, 64, 64, 3, stride=2,
                                      padding=1, bias=False)
        self.add_module(self.norm2_name, norm2)
        self.relu = nn.ReLU(inplace=True)

        self.stage1_cfg = extra['stage1']
        block = BLOCKS[self.stage1_cfg['block']]
        planes = self.stage1_cfg['num_channels'][0]
        self.layer1 = _make_blocks(
            block, 64, planes, self.stage1_cfg['num_blocks'][0], conv_cfg,
            norm_cfg, with_cp, _zero_init_cfg(block, self.zero_init_residual))
        pre_channels = [planes * block.expansion]

        for i in (2, 3, 4):
            stage_cfg = extra[f'stage{i}']
            setattr(self, f'stage{i}_cfg', stage_cfg)
            expansion = BLOCKS[stage_cfg['block']].expansion
            channels = [c * expansion for c in stage_cfg['num_channels']]
            setattr(self, f'transition{i - 1}',
                    self._make_transition_layer(pre_channels, channels))
            stage, pre_channels = self._make_stage(
                stage_cfg, channels,
                multiscale_output=multiscale_output if i == 4 else True)
            setattr(self, f'stage{i}', stage)
        self._freeze_stages()

    @property
    def norm1(self) -> nn.Module:
        return getattr(self, self.norm1_name)

    @property
    def norm2(self) -> nn.Module:
        return getattr(self, self.norm2_name)

    def _make_transition_layer(self, pre: List[int],
                               cur: List[int]) -> nn.ModuleList:
        """Adapt existing branches' channels and spawn the new branches."""
        layers = []
        for i, out_ch in enumerate(cur):
            if i < len(pre):
                layers.append(None if out_ch == pre[i] else nn.Sequential(
                    build_conv_layer(self.conv_cfg, pre[i], out_ch, 3,
                                     padding=1, bias=False),
                    build_norm_layer(self.norm_cfg, out_ch)[1],
                    nn.ReLU(inplace=True)))
                continue
            steps = []
            num_steps = i + 1 - len(pre)
            for k in range(num_steps):
                in_ch = pre[-1]
                step_out = out_ch if k == num_steps - 1 else in_ch
                steps.append(nn.Sequential(
                    build_conv_layer(self.conv_cfg, in_ch, step_out, 3,
                                     stride=2, padding=1, bias=False),
                    build_norm_layer(self.norm_cfg, step_out)[1],
                    nn.ReLU(inplace=True)))
            layers.append(nn.Sequential(*steps))
        return nn.ModuleList(layers)

    def _make_stage(self, cfg: dict, in_channels: List[int],
                    multiscale_output: bool = True):
        block = BLOCKS[cfg['block']]
        block_init_cfg = _zero_init_cfg(block, self.zero_init_residual)
        modules = []
        for i in range(cfg['num_modules']):
            last = i == cfg['num_modules'] - 1
            module = HRModule(
                cfg['num_branches'], block, cfg['num_blocks'], in_channels,
                cfg['num_channels'], multiscale_output or not last,
                with_cp=self.with_cp, norm_cfg=self.norm_cfg,
                conv_cfg=self.conv_cfg, block_init_cfg=block_init_cfg)
            in_channels = module.in_channels
            modules.append(module)
        return Sequential(*modules), in_channels

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.conv1, self.norm1, self.conv2, self.norm2]
        for i in range(1, self.frozen_stages + 1):
            frozen.append(getattr(self, 'layer1' if i == 1 else f'stage{i}'))
            if i < 4:
                frozen.append(getattr(self, f'transition{i}'))
        for m in frozen:
            m.eval()
            for param in m.parameters():
                param.requires_grad = False

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        x = self.relu(self.norm1(self.conv1(x)))
        x = self.relu(self.norm2(self.conv2(x)))
        y_list = [self.layer1(x)]
        for i in (2, 3, 4):
            transition = getattr(self, f'transition{i - 1}')
            num_branches = getattr(self, f'stage{i}_cfg')['num_branches']
            x_list = []
            for k in range(num_branches):
                if transition[k] is None:
                    x_list.append(y_list[k])
                else:
                    # new branches grow from the lowest resolution
                    x_list.append(transition[k](y_list[min(k,
                                                           len(y_list) - 1)]))
            y_list = getattr(self, f'stage{i}')(x_list)
        return y_list
