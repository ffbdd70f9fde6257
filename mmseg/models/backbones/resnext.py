"""ResNeXt (arXiv:1611.05431): ResNet with grouped 3x3 convolutions in
its bottlenecks; 0.28 key names."""
import math

from mmcv.cnn import build_conv_layer, build_norm_layer

from mmseg.registry import MODELS

from ..utils import ResLayer
from .resnet import Bottleneck as _Bottleneck
from .resnet import ResNet


class Bottleneck(_Bottleneck):
    """Bottleneck whose 3x3 conv has ``groups`` groups of ``base_width``
    channels (per 64 of ``base_channels``).

    Args:
        inplanes: Input channels.
        planes: Channels of the plain ResNet bottleneck.
        groups: Groups of the 3x3 conv.
        base_width: Width of each group per 64 base channels.
        base_channels: Width of the backbone's first stage.
        **kwargs: ``resnet.Bottleneck`` arguments.
    """

    def __init__(self, inplanes: int, planes: int, groups: int = 1,
                 base_width: int = 4, base_channels: int = 64, **kwargs):
        super().__init__(inplanes, planes, **kwargs)
        if groups == 1:
            return
        width = math.floor(planes * base_width / base_channels) * groups
        conv_cfg = kwargs.get('conv_cfg')
        norm_cfg = kwargs.get('norm_cfg', dict(type='BN'))
        dilation = kwargs.get('dilation', 1)
        conv2_stride = self.conv2.stride
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, width, postfix=1)
        self.norm2_name, norm2 = build_norm_layer(norm_cfg, width, postfix=2)
        self.conv1 = build_conv_layer(conv_cfg, inplanes, width, 1,
                                      stride=self.conv1.stride, bias=False)
        self.add_module(self.norm1_name, norm1)
        self.conv2 = build_conv_layer(conv_cfg, width, width, 3,
                                      stride=conv2_stride, padding=dilation,
                                      dilation=dilation, groups=groups,
                                      bias=False)
        self.add_module(self.norm2_name, norm2)
        self.conv3 = build_conv_layer(conv_cfg, width,
                                      planes * self.expansion, 1, bias=False)


@MODELS.register_module()
class ResNeXt(ResNet):
    """ResNeXt backbone (depth 50, 101 or 152).

    Args:
        groups: Groups of each bottleneck's 3x3 conv.
        base_width: Width of each group per 64 base channels.
        **kwargs: ``ResNet`` arguments.
    """

    arch_settings = {
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3))
    }

    def __init__(self, groups: int = 1, base_width: int = 4, **kwargs):
        self.groups = groups
        self.base_width = base_width
        super().__init__(**kwargs)

    def make_res_layer(self, **kwargs) -> ResLayer:
        """A stage of grouped bottlenecks."""
        return ResLayer(groups=self.groups, base_width=self.base_width,
                        base_channels=self.base_channels, **kwargs)
