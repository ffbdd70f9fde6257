"""PASCAL Context with 59 classes."""
from typing import Optional

from mmseg.core.evaluation.class_names import (
    pascal_context_59_classes,
    pascal_context_59_palette,
)
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class PascalContextDataset59(CustomDataset):
    """PASCAL Context-59: ``JPEGImages/*.jpg`` with ``.png`` labels where 0
    is background.

    ``reduce_zero_label`` is always True (background ignored, classes
    1..59 become 0..58) and ``split`` is required.

    Args:
        split: File listing the image names of the split.
    """

    CLASSES = tuple(pascal_context_59_classes())
    PALETTE = pascal_context_59_palette()

    def __init__(self, split: Optional[str], **kwargs):
        if split is None:
            raise ValueError('PascalContextDataset59 needs split=, e.g. '
                             "'ImageSets/SegmentationContext/train.txt'")
        super().__init__(img_suffix='.jpg', seg_map_suffix='.png',
                         split=split, reduce_zero_label=True, **kwargs)
