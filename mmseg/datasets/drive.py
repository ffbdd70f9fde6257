"""DRIVE retinal vessels (2 classes)."""
from mmseg.registry import DATASETS

from .retinal import RetinalVesselDataset


@DATASETS.register_module()
class DRIVEDataset(RetinalVesselDataset):
    """DRIVE as converted by ``tools/convert_datasets/drive.py``:
    ``<name>.png`` images with ``<name>_manual1.png`` labels (the first
    observer's vessel maps, 0 background, 1 vessel).
    """

    SEG_MAP_SUFFIX = '_manual1.png'
