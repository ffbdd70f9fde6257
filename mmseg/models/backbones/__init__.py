from .bisenetv1 import BiSeNetV1
from .bisenetv2 import BiSeNetV2
from .hrnet import HRNet
from .mit import MixVisionTransformer
from .resnest import ResNeSt
from .resnet import ResNet, ResNetV1c, ResNetV1d
from .resnext import ResNeXt
from .stdc import STDCContextPathNet, STDCNet
from .swin import SwinTransformer
from .unet import UNet
from .vit import VisionTransformer

__all__ = [
    'HRNet', 'MixVisionTransformer', 'ResNet', 'ResNetV1c', 'ResNetV1d',
    'ResNeXt', 'SwinTransformer', 'VisionTransformer',
    'BiSeNetV1', 'BiSeNetV2', 'STDCNet', 'STDCContextPathNet', 'UNet',
    'ResNeSt'
]
