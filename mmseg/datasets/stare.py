"""STARE retinal vessels (2 classes)."""
from mmseg.registry import DATASETS

from .retinal import RetinalVesselDataset


@DATASETS.register_module()
class STAREDataset(RetinalVesselDataset):
    """STARE as converted by ``tools/convert_datasets/stare.py``:
    ``<name>.png`` images with ``<name>.ah.png`` labels (Adam Hoover's
    vessel maps, 0 background, 1 vessel).
    """

    SEG_MAP_SUFFIX = '.ah.png'
