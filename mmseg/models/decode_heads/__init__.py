from .ann_head import ANNHead
from .apc_head import APCHead
from .aspp_head import ASPPHead
from .cac_fcn_head import CACFCNHead
from .cac_ocr_head import CACOCRHead
from .cac_segformer_head import CACSegformerHead
from .cascade_decode_head import BaseCascadeDecodeHead
from .da_head import DAHead
from .dm_head import DMHead
from .dnl_head import DNLHead
from .ema_head import EMAHead
from .fcn_head import FCNHead
from .gc_head import GCHead
from .isa_head import ISAHead
from .nl_head import NLHead
from .ocr_head import OCRHead
from .psp_head import PSPHead
from .segformer_head import SegformerHead
from .sep_aspp_head import DepthwiseSeparableASPPHead
from .sep_fcn_head import DepthwiseSeparableFCNHead
from .uper_head import UPerHead

__all__ = [
    'ASPPHead', 'CACFCNHead', 'CACOCRHead', 'CACSegformerHead',
    'DepthwiseSeparableASPPHead', 'DepthwiseSeparableFCNHead', 'FCNHead',
    'BaseCascadeDecodeHead', 'OCRHead', 'PSPHead', 'SegformerHead', 'UPerHead',
    'ANNHead', 'APCHead', 'DAHead', 'DMHead', 'DNLHead', 'EMAHead', 'GCHead',
    'ISAHead', 'NLHead'
]
