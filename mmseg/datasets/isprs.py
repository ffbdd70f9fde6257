"""ISPRS Vaihingen (6 classes)."""
from mmseg.core.evaluation.class_names import (
    vaihingen_classes,
    vaihingen_palette,
)
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class ISPRSDataset(CustomDataset):
    """ISPRS Vaihingen as converted by 0.28's
    ``tools/convert_datasets/vaihingen.py``: ``.png`` images and labels.

    ``reduce_zero_label`` is always True (0 ignored, 1..6 become 0..5).
    """

    CLASSES = tuple(vaihingen_classes())
    PALETTE = vaihingen_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.png', seg_map_suffix='.png',
                         reduce_zero_label=True, **kwargs)
