from .hrnet import HRNet
from .mit import MixVisionTransformer

__all__ = ['HRNet', 'MixVisionTransformer']
