from .cac_fcn_head import CACFCNHead
from .cascade_decode_head import BaseCascadeDecodeHead
from .fcn_head import FCNHead
from .ocr_head import OCRHead
from .segformer_head import SegformerHead

__all__ = [
    'CACFCNHead', 'FCNHead', 'BaseCascadeDecodeHead', 'OCRHead',
    'SegformerHead'
]
