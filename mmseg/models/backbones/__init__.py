from .beit import BEiT
from .bisenetv1 import BiSeNetV1
from .bisenetv2 import BiSeNetV2
from .convnext import ConvNeXt
from .hrnet import HRNet
from .mae import MAE
from .mit import MixVisionTransformer
from .resnest import ResNeSt
from .resnet import ResNet, ResNetV1c, ResNetV1d
from .resnext import ResNeXt
from .stdc import STDCContextPathNet, STDCNet
from .swin import SwinTransformer
from .twins import PCPVT, SVT
from .unet import UNet
from .vit import VisionTransformer

__all__ = [
    'HRNet', 'MixVisionTransformer', 'ResNet', 'ResNetV1c', 'ResNetV1d',
    'ResNeXt', 'SwinTransformer', 'VisionTransformer',
    'BiSeNetV1', 'BiSeNetV2', 'STDCNet', 'STDCContextPathNet', 'UNet',
    'ResNeSt', 'BEiT', 'ConvNeXt', 'MAE', 'PCPVT', 'SVT'
]
