"""PASCAL Context with 60 classes (background included) or 59."""
from typing import Optional

from mmseg.core.evaluation.class_names import (
    pascal_context_59_classes,
    pascal_context_59_palette,
    pascal_context_classes,
    pascal_context_palette,
)
from mmseg.registry import DATASETS

from .custom import CustomDataset


def _check_split(name: str, split: Optional[str]) -> None:
    if split is None:
        raise ValueError(f'{name} needs split=, e.g. '
                         "'ImageSets/SegmentationContext/train.txt'")


@DATASETS.register_module()
class PascalContextDataset(CustomDataset):
    """PASCAL Context-60: ``JPEGImages/*.jpg`` with ``.png`` labels where 0
    is background, counted as a class (``reduce_zero_label`` is False).

    Args:
        split: File listing the image names of the split (required).
    """

    CLASSES = tuple(pascal_context_classes())
    PALETTE = pascal_context_palette()

    def __init__(self, split: Optional[str], **kwargs):
        _check_split('PascalContextDataset', split)
        super().__init__(img_suffix='.jpg', seg_map_suffix='.png',
                         split=split, reduce_zero_label=False, **kwargs)


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
        _check_split('PascalContextDataset59', split)
        super().__init__(img_suffix='.jpg', seg_map_suffix='.png',
                         split=split, reduce_zero_label=True, **kwargs)
