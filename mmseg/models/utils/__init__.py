from .embed import PatchEmbed, PatchMerging
from .inverted_residual import InvertedResidual, InvertedResidualV3
from .make_divisible import make_divisible
from .res_layer import ResLayer
from .se_layer import SELayer
from .self_attention_block import SelfAttentionBlock
from .shape_convert import (
    nchw2nlc2nchw,
    nchw_to_nlc,
    nlc2nchw2nlc,
    nlc_to_nchw,
)
from .up_conv_block import UpConvBlock

__all__ = [
    'PatchEmbed', 'PatchMerging', 'ResLayer', 'SelfAttentionBlock',
    'nchw_to_nlc', 'nlc_to_nchw', 'nchw2nlc2nchw', 'nlc2nchw2nlc',
    'UpConvBlock', 'InvertedResidual', 'InvertedResidualV3', 'make_divisible',
    'SELayer'
]
