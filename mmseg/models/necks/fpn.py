from typing import List, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS

EXTRA_SOURCES = ('on_input', 'on_lateral', 'on_output')


@MODELS.register_module()
class FPN(BaseModule):
    """Feature pyramid network (arXiv:1612.03144).

    Lateral 1x1 convs, a top-down pathway (upsample and add), a 3x3 conv
    per level; extra levels come from stride-2 convs or max pooling.

    Args:
        in_channels: Channels of each input level.
        out_channels: Channels of every output level.
        num_outs: Number of output levels.
        start_level: First input level used.
        end_level: Last input level used, exclusive (-1: all).
        add_extra_convs: Extra levels by convs: False (max pooling), True
            (on the input if ``extra_convs_on_inputs``, else on the output)
            or one of 'on_input', 'on_lateral', 'on_output'.
        extra_convs_on_inputs: See ``add_extra_convs`` (deprecated).
        relu_before_extra_convs: ReLU before the second and later extra
            convs.
        no_norm_on_lateral: No norm in the lateral convs.
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        upsample_cfg: :func:`resize` arguments of the top-down pathway
            (without ``scale_factor`` the size of the finer level is used).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: List[int],
                 out_channels: int,
                 num_outs: int,
                 start_level: int = 0,
                 end_level: int = -1,
                 add_extra_convs: Union[bool, str] = False,
                 extra_convs_on_inputs: bool = False,
                 relu_before_extra_convs: bool = False,
                 no_norm_on_lateral: bool = False,
                 conv_cfg=None,
                 norm_cfg=None,
                 act_cfg=None,
                 upsample_cfg=dict(mode='nearest'),
                 init_cfg=dict(type='Xavier', layer='Conv2d',
                               distribution='uniform')):
        super().__init__(init_cfg)
        if not isinstance(in_channels, list):
            raise TypeError(f'FPN: in_channels must be a list, got '
                            f'{in_channels!r}')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.num_ins = len(in_channels)
        self.num_outs = num_outs
        self.relu_before_extra_convs = relu_before_extra_convs
        self.no_norm_on_lateral = no_norm_on_lateral
        self.upsample_cfg = upsample_cfg.copy()
        if end_level == -1:
            self.backbone_end_level = self.num_ins
            assert num_outs >= self.num_ins - start_level, \
                'FPN: num_outs must cover the levels from start_level on'
        else:
            self.backbone_end_level = end_level
            assert end_level <= len(in_channels), \
                'FPN: end_level is past the last input level'
            assert num_outs == end_level - start_level, \
                'FPN: num_outs must be end_level - start_level'
        self.start_level = start_level
        self.end_level = end_level
        if isinstance(add_extra_convs, str):
            if add_extra_convs not in EXTRA_SOURCES:
                raise ValueError(
                    'FPN: add_extra_convs must be a bool or one of '
                    f'{EXTRA_SOURCES}, got {add_extra_convs!r}')
        elif not isinstance(add_extra_convs, bool):
            raise TypeError('FPN: add_extra_convs must be a bool or a str')
        elif add_extra_convs:
            add_extra_convs = 'on_input' if extra_convs_on_inputs \
                else 'on_output'
        self.add_extra_convs = add_extra_convs

        conv = dict(conv_cfg=conv_cfg, act_cfg=act_cfg, inplace=False)
        self.lateral_convs = nn.ModuleList()
        self.fpn_convs = nn.ModuleList()
        for i in range(start_level, self.backbone_end_level):
            self.lateral_convs.append(ConvModule(
                in_channels[i], out_channels, 1,
                norm_cfg=None if no_norm_on_lateral else norm_cfg, **conv))
            self.fpn_convs.append(ConvModule(
                out_channels, out_channels, 3, padding=1, norm_cfg=norm_cfg,
                **conv))
        extra_levels = num_outs - self.backbone_end_level + start_level
        if self.add_extra_convs:
            for i in range(extra_levels):
                channels = out_channels
                if i == 0 and self.add_extra_convs == 'on_input':
                    channels = in_channels[self.backbone_end_level - 1]
                self.fpn_convs.append(ConvModule(
                    channels, out_channels, 3, stride=2, padding=1,
                    norm_cfg=norm_cfg, **conv))

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        assert len(inputs) == len(self.in_channels), \
            f'FPN expects {len(self.in_channels)} input levels'
        laterals = [
            conv(inputs[i + self.start_level])
            for i, conv in enumerate(self.lateral_convs)
        ]
        for i in range(len(laterals) - 1, 0, -1):
            if 'scale_factor' in self.upsample_cfg:
                up = resize(laterals[i], **self.upsample_cfg)
            else:
                up = resize(laterals[i], size=laterals[i - 1].shape[2:],
                            **self.upsample_cfg)
            laterals[i - 1] = laterals[i - 1] + up
        used = len(laterals)
        outs = [self.fpn_convs[i](laterals[i]) for i in range(used)]
        if self.num_outs > used:
            if not self.add_extra_convs:
                for _ in range(self.num_outs - used):
                    outs.append(F.max_pool2d(outs[-1], 1, stride=2))
            else:
                source = dict(on_input=inputs[self.backbone_end_level - 1],
                              on_lateral=laterals[-1],
                              on_output=outs[-1])[self.add_extra_convs]
                outs.append(self.fpn_convs[used](source))
                for i in range(used + 1, self.num_outs):
                    x = F.relu(outs[-1]) if self.relu_before_extra_convs \
                        else outs[-1]
                    outs.append(self.fpn_convs[i](x))
        return tuple(outs)
