"""iSAID (aerial instances as semantic classes, 16 classes)."""
from typing import List, Optional

from mmseg.core.evaluation.class_names import isaid_classes, isaid_palette
from mmseg.registry import DATASETS

from .custom import CustomDataset

# iSAID names the label of image ``<name>.png`` ``<name>_instance_color_RGB``
LABEL_TAG = '_instance_color_RGB'


@DATASETS.register_module()
class iSAIDDataset(CustomDataset):
    """iSAID patches: ``<name>.png`` images with
    ``<name>_instance_color_RGB.png`` labels (0 is background).
    """

    CLASSES = tuple(isaid_classes())
    PALETTE = isaid_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.png', seg_map_suffix='.png',
                         ignore_index=255, **kwargs)

    def load_annotations(self, img_dir: str, img_suffix: str,
                         ann_dir: Optional[str], seg_map_suffix: str = '.png',
                         split: Optional[str] = None) -> List[dict]:
        """List the samples; labels carry the ``_instance_color_RGB`` tag.

        Args:
            img_dir: Image folder.
            img_suffix: Image file suffix.
            ann_dir: Label folder, or None.
            seg_map_suffix: Label file suffix after the tag.
            split: Split file, or None for every image of ``img_dir``.

        Returns:
            One ``dict(filename=..., ann=dict(seg_map=...))`` per image.
        """
        return super().load_annotations(img_dir, img_suffix, ann_dir,
                                        LABEL_TAG + seg_map_suffix, split)
