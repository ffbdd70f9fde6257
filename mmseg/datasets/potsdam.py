"""ISPRS Potsdam (6 classes)."""
from mmseg.core.evaluation.class_names import potsdam_classes, potsdam_palette
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class PotsdamDataset(CustomDataset):
    """ISPRS Potsdam as converted by ``tools/convert_datasets/potsdam.py``
    of 0.28: ``.png`` images and labels where 0 is clutter-free background.

    ``reduce_zero_label`` is always True (0 ignored, 1..6 become 0..5).
    """

    CLASSES = tuple(potsdam_classes())
    PALETTE = potsdam_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.png', seg_map_suffix='.png',
                         reduce_zero_label=True, **kwargs)
