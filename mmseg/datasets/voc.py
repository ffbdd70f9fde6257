"""PASCAL VOC 2012 (21 classes, background included)."""
from typing import Optional

from mmseg.core.evaluation.class_names import voc_classes, voc_palette
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class PascalVOCDataset(CustomDataset):
    """PASCAL VOC: ``JPEGImages/*.jpg`` with ``SegmentationClass/*.png``
    labels (0 is background, 255 the ignored border); ``split`` is required.

    Args:
        split: File listing the image names of the split.
    """

    CLASSES = tuple(voc_classes())
    PALETTE = voc_palette()

    def __init__(self, split: Optional[str], **kwargs):
        if split is None:
            raise ValueError('PascalVOCDataset needs split=, e.g. '
                             "'ImageSets/Segmentation/train.txt'")
        super().__init__(img_suffix='.jpg', seg_map_suffix='.png',
                         split=split, **kwargs)
