"""Nighttime Driving (night scenes labelled with the Cityscapes classes)."""
from mmseg.registry import DATASETS

from .cityscapes import CityscapesDataset


@DATASETS.register_module()
class NightDrivingDataset(CityscapesDataset):
    """Nighttime Driving test set: ``*_leftImg8bit.png`` images with
    coarse ``*_gtCoarse_labelTrainIds.png`` labels (Cityscapes train ids,
    255 ignored).
    """

    def __init__(self, **kwargs):
        super().__init__(img_suffix='_leftImg8bit.png',
                         seg_map_suffix='_gtCoarse_labelTrainIds.png',
                         **kwargs)
