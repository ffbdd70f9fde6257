"""COCO-Stuff with 171 classes (10k and 164k releases)."""
from mmseg.core.evaluation.class_names import (
    cocostuff_classes,
    cocostuff_palette,
)
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class COCOStuffDataset(CustomDataset):
    """COCO-Stuff: ``.jpg`` images with ``*_labelTrainIds.png`` labels.

    The 164k labels hold train ids 0..170 (255 ignored); the 10k labels
    hold 1..171 with 0 unlabeled, so configs set ``reduce_zero_label=True``
    for them.
    """

    CLASSES = tuple(cocostuff_classes())
    PALETTE = cocostuff_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.jpg',
                         seg_map_suffix='_labelTrainIds.png', **kwargs)
