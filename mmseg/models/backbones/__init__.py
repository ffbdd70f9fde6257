from .beit import BEiT
from .bisenetv1 import BiSeNetV1
from .bisenetv2 import BiSeNetV2
from .cgnet import CGNet
from .convnext import ConvNeXt
from .erfnet import ERFNet
from .fast_scnn import FastSCNN
from .hrnet import HRNet
from .icnet import ICNet
from .mae import MAE
from .mit import MixVisionTransformer
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3
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
    'ResNeXt', 'SwinTransformer', 'VisionTransformer', 'BiSeNetV1',
    'BiSeNetV2', 'STDCNet', 'STDCContextPathNet', 'UNet', 'ResNeSt', 'BEiT',
    'ConvNeXt', 'MAE', 'PCPVT', 'SVT', 'MobileNetV2', 'MobileNetV3',
    'FastSCNN', 'CGNet', 'ERFNet', 'ICNet'
]
