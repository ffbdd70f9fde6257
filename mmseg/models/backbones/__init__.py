from .cgnet import CGNet
from .erfnet import ERFNet
from .fast_scnn import FastSCNN
from .hrnet import HRNet
from .icnet import ICNet
from .mit import MixVisionTransformer
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3
from .resnet import ResNet, ResNetV1c, ResNetV1d
from .resnext import ResNeXt
from .swin import SwinTransformer

__all__ = [
    'HRNet', 'MixVisionTransformer', 'ResNet', 'ResNetV1c', 'ResNetV1d',
    'ResNeXt', 'SwinTransformer', 'MobileNetV2', 'MobileNetV3', 'FastSCNN',
    'CGNet', 'ERFNet', 'ICNet'
]
