from .cac_fcn_head import CACFCNHead
from .cac_ocr_head import CACOCRHead
from .cac_segformer_head import CACSegformerHead
from .cascade_decode_head import BaseCascadeDecodeHead
from .fcn_head import FCNHead
from .ocr_head import OCRHead
from .segformer_head import SegformerHead

__all__ = [
    'CACFCNHead', 'CACOCRHead', 'CACSegformerHead', 'FCNHead',
    'BaseCascadeDecodeHead', 'OCRHead', 'SegformerHead'
]
