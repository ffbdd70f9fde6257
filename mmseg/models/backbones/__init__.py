from .hrnet import HRNet
from .mit import MixVisionTransformer
from .resnet import ResNet, ResNetV1c, ResNetV1d
from .resnext import ResNeXt
from .swin import SwinTransformer
from .vit import VisionTransformer

__all__ = [
    'HRNet', 'MixVisionTransformer', 'ResNet', 'ResNetV1c', 'ResNetV1d',
    'ResNeXt', 'SwinTransformer', 'VisionTransformer'
]
