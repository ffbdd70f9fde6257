"""Dark Zurich (night scenes labelled with the 19 Cityscapes classes)."""
from mmseg.registry import DATASETS

from .cityscapes import CityscapesDataset


@DATASETS.register_module()
class DarkZurichDataset(CityscapesDataset):
    """Dark Zurich: ``*_rgb_anon.png`` images with
    ``*_gt_labelTrainIds.png`` labels (Cityscapes train ids, 255 ignored).
    """

    def __init__(self, **kwargs):
        super().__init__(img_suffix='_rgb_anon.png',
                         seg_map_suffix='_gt_labelTrainIds.png', **kwargs)
