"""A stage of residual blocks (``ResLayer``), with 0.28 key names."""
from typing import Optional, Sequence

import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import Sequential


class ResLayer(Sequential):
    """``num_blocks`` residual blocks; the first one adapts stride/width.

    Args:
        block: Block class (``BasicBlock`` or ``Bottleneck``).
        inplanes: Input channels.
        planes: Block width (output is ``planes * block.expansion``).
        num_blocks: Number of blocks.
        stride: Stride of the first block.
        dilation: Dilation of the blocks.
        avg_down: Downsample the shortcut with an average pool, not a
            strided 1x1 conv (ResNetV1d).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        multi_grid: Per-block dilations (replaces ``dilation``).
        contract_dilation: Halve the first block's dilation when > 1.
        **kwargs: Passed to every block (``style``, ``with_cp``, ...).
    """

    def __init__(self,
                 block: type,
                 inplanes: int,
                 planes: int,
                 num_blocks: int,
                 stride: int = 1,
                 dilation: int = 1,
                 avg_down: bool = False,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 multi_grid: Optional[Sequence[int]] = None,
                 contract_dilation: bool = False,
                 **kwargs):
        self.block = block
        out_planes = planes * block.expansion
        downsample = None
        if stride != 1 or inplanes != out_planes:
            layers = []
            conv_stride = stride
            if avg_down:
                conv_stride = 1
                layers.append(nn.AvgPool2d(kernel_size=stride, stride=stride,
                                           ceil_mode=True,
                                           count_include_pad=False))
            layers += [
                build_conv_layer(conv_cfg, inplanes, out_planes,
                                 kernel_size=1, stride=conv_stride,
                                 bias=False),
                build_norm_layer(norm_cfg, out_planes)[1]
            ]
            downsample = nn.Sequential(*layers)
        if multi_grid is not None:
            assert len(multi_grid) == num_blocks, \
                f'multi_grid needs {num_blocks} dilations, got {multi_grid}'
            dilations = list(multi_grid)
        else:
            first = dilation // 2 if dilation > 1 and contract_dilation \
                else dilation
            dilations = [first] + [dilation] * (num_blocks - 1)
        common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, **kwargs)
        blocks = [block(inplanes, planes, stride=stride,
                        dilation=dilations[0], downsample=downsample,
                        **common)]
        blocks += [block(out_planes, planes, stride=1, dilation=d, **common)
                   for d in dilations[1:]]
        super().__init__(*blocks)
