from . import collate, pipelines  # noqa: F401  (register transforms, collate)
from .ade import ADE20KDataset
from .builder import DATASETS, PIPELINES, build_dataloader, build_dataset
from .chase_db1 import ChaseDB1Dataset
from .cityscapes import CityscapesDataset
from .coco_stuff import COCOStuffDataset
from .custom import CustomDataset
from .dark_zurich import DarkZurichDataset
from .dataset_wrappers import (
    ConcatDataset,
    MultiImageMixDataset,
    RepeatDataset,
)
from .drive import DRIVEDataset
from .hrf import HRFDataset
from .isaid import iSAIDDataset
from .isprs import ISPRSDataset
from .loveda import LoveDADataset
from .night_driving import NightDrivingDataset
from .pascal_context import PascalContextDataset, PascalContextDataset59
from .potsdam import PotsdamDataset
from .samplers import ResumableInfiniteSampler, SeededDataset
from .stare import STAREDataset
from .voc import PascalVOCDataset

__all__ = [
    'CustomDataset', 'CityscapesDataset', 'ADE20KDataset',
    'PascalContextDataset59', 'COCOStuffDataset', 'ConcatDataset',
    'RepeatDataset', 'DATASETS', 'PIPELINES', 'build_dataset',
    'build_dataloader', 'ResumableInfiniteSampler', 'SeededDataset',
    'PascalContextDataset', 'PascalVOCDataset', 'LoveDADataset',
    'PotsdamDataset', 'ISPRSDataset', 'iSAIDDataset', 'MultiImageMixDataset',
    'DRIVEDataset', 'STAREDataset', 'ChaseDB1Dataset', 'HRFDataset',
    'DarkZurichDataset', 'NightDrivingDataset'
]
