from .embed import PatchEmbed
from .self_attention_block import SelfAttentionBlock
from .shape_convert import nchw_to_nlc, nlc_to_nchw

__all__ = ['PatchEmbed', 'SelfAttentionBlock', 'nchw_to_nlc', 'nlc_to_nchw']
