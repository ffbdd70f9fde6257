"""HRF retinal vessels (2 classes)."""
from mmseg.registry import DATASETS

from .retinal import RetinalVesselDataset


@DATASETS.register_module()
class HRFDataset(RetinalVesselDataset):
    """HRF as converted by ``tools/convert_datasets/hrf.py``:
    ``<name>.png`` images with ``<name>.png`` labels (the manual
    vessel segmentations, 0 background, 1 vessel) in ``ann_dir``.
    """

    SEG_MAP_SUFFIX = '.png'
