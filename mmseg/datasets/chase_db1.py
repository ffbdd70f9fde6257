"""CHASE_DB1 retinal vessels (2 classes)."""
from mmseg.registry import DATASETS

from .retinal import RetinalVesselDataset


@DATASETS.register_module()
class ChaseDB1Dataset(RetinalVesselDataset):
    """CHASE_DB1 as converted by ``tools/convert_datasets/chase_db1.py``:
    ``<name>.png`` images with ``<name>_1stHO.png`` labels (the first
    observer's vessel maps, 0 background, 1 vessel).
    """

    SEG_MAP_SUFFIX = '_1stHO.png'
