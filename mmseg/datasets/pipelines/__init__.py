"""MMSegmentation 0.28 data pipelines, registered in ``TRANSFORMS``."""
from .compose import Compose
from .formatting import (
    Collect,
    DefaultFormatBundle,
    ImageToTensor,
    ToTensor,
    Transpose,
    to_tensor,
)
from .loading import LoadAnnotations, LoadImageFromFile
from .test_time_aug import MultiScaleFlipAug
from .transforms import (
    Normalize,
    Pad,
    PhotoMetricDistortion,
    RandomCrop,
    RandomFlip,
    Resize,
    ResizeToMultiple,
)

__all__ = [
    'Compose', 'to_tensor', 'ToTensor', 'ImageToTensor', 'Transpose',
    'DefaultFormatBundle', 'Collect', 'LoadImageFromFile', 'LoadAnnotations',
    'MultiScaleFlipAug', 'Resize', 'ResizeToMultiple', 'RandomFlip', 'Pad',
    'Normalize', 'RandomCrop', 'PhotoMetricDistortion'
]
