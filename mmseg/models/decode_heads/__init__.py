from .aspp_head import ASPPHead
from .cac_original_heads import CACFCNHead, CACOCRHead, CACSegformerHead
from .cascade_decode_head import BaseCascadeDecodeHead
from .fcn_head import FCNHead
from .ocr_head import OCRHead
from .psp_head import PSPHead
from .segformer_head import SegformerHead
from .sep_aspp_head import DepthwiseSeparableASPPHead
from .sep_fcn_head import DepthwiseSeparableFCNHead
from .uper_head import UPerHead

__all__ = [
    'ASPPHead', 'CACFCNHead', 'CACOCRHead', 'CACSegformerHead',
    'DepthwiseSeparableASPPHead', 'DepthwiseSeparableFCNHead', 'FCNHead',
    'BaseCascadeDecodeHead', 'OCRHead', 'PSPHead', 'SegformerHead', 'UPerHead'
]
