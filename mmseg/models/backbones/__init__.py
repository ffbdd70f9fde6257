from .beit import BEiT
from .convnext import ConvNeXt
from .hrnet import HRNet
from .mae import MAE
from .mit import MixVisionTransformer
from .resnet import ResNet, ResNetV1c, ResNetV1d
from .resnext import ResNeXt
from .swin import SwinTransformer
from .twins import PCPVT, SVT

__all__ = [
    'HRNet', 'MixVisionTransformer', 'ResNet', 'ResNetV1c', 'ResNetV1d',
    'ResNeXt', 'SwinTransformer', 'BEiT', 'ConvNeXt', 'MAE', 'PCPVT', 'SVT'
]
