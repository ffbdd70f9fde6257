"""Retinal vessel datasets (DRIVE, STARE, CHASE_DB1, HRF): 2 classes."""
from .custom import CustomDataset

VESSEL_CLASSES = ('background', 'vessel')
VESSEL_PALETTE = [[120, 120, 120], [6, 230, 230]]


class RetinalVesselDataset(CustomDataset):
    """``.png`` fundus images with binary ``.png`` vessel maps (0
    background, 1 vessel), as 0.28's converters write them.

    Both classes are evaluated (``reduce_zero_label`` is False); each
    dataset fixes its label suffix in ``SEG_MAP_SUFFIX``.
    """

    CLASSES = VESSEL_CLASSES
    PALETTE = VESSEL_PALETTE
    SEG_MAP_SUFFIX = '.png'

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.png',
                         seg_map_suffix=self.SEG_MAP_SUFFIX,
                         reduce_zero_label=False, **kwargs)
