from .ann_head import ANNHead
from .apc_head import APCHead
from .aspp_head import ASPPHead
from .cac_original_heads import CACFCNHead, CACOCRHead, CACSegformerHead
from .cascade_decode_head import BaseCascadeDecodeHead
from .cc_head import CCHead
from .da_head import DAHead
from .dm_head import DMHead
from .dnl_head import DNLHead
from .dpt_head import DPTHead
from .ema_head import EMAHead
from .enc_head import EncHead
from .fcn_head import FCNHead
from .fpn_head import FPNHead
from .gc_head import GCHead
from .isa_head import ISAHead
from .lraspp_head import LRASPPHead
from .nl_head import NLHead
from .ocr_head import OCRHead
from .point_head import PointHead
from .psa_head import PSAHead
from .psp_head import PSPHead
from .segformer_head import SegformerHead
from .segmenter_mask_head import SegmenterMaskTransformerHead
from .sep_aspp_head import DepthwiseSeparableASPPHead
from .sep_fcn_head import DepthwiseSeparableFCNHead
from .setr_mla_head import SETRMLAHead
from .setr_up_head import SETRUPHead
from .stdc_head import STDCHead
from .uper_head import UPerHead

__all__ = [
    'ASPPHead', 'CACFCNHead', 'CACOCRHead', 'CACSegformerHead',
    'DepthwiseSeparableASPPHead', 'DepthwiseSeparableFCNHead', 'FCNHead',
    'BaseCascadeDecodeHead', 'OCRHead', 'PSPHead', 'SegformerHead', 'UPerHead',
    'CCHead', 'EncHead', 'FPNHead', 'PointHead', 'PSAHead', 'DPTHead',
    'SegmenterMaskTransformerHead', 'SETRMLAHead', 'SETRUPHead', 'STDCHead',
    'ANNHead', 'APCHead', 'DAHead', 'DMHead', 'DNLHead', 'EMAHead', 'GCHead',
    'ISAHead', 'NLHead', 'LRASPPHead'
]
