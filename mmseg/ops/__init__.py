from .cc_attention import CrissCrossAttention
from .encoding import Encoding
from .point_sample import point_sample
from .psa_mask import PSAMask
from .wrappers import Upsample, resize

__all__ = [
    'Upsample', 'resize', 'CrissCrossAttention', 'Encoding', 'PSAMask',
    'point_sample'
]
