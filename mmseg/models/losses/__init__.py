from .accuracy import Accuracy, accuracy
from .cac_loss import CACLoss
from .cross_entropy_loss import (
                                 CrossEntropyLoss,
                                 binary_cross_entropy,
                                 cross_entropy,
                                 mask_cross_entropy,
)
from .dice_loss import DiceLoss
from .focal_loss import FocalLoss
from .lovasz_loss import LovaszLoss
from .tversky_loss import TverskyLoss
from .utils import (
    get_class_weight,
    reduce_loss,
    weight_reduce_loss,
    weighted_loss,
)

__all__ = [
    'accuracy', 'Accuracy', 'CACLoss', 'cross_entropy', 'binary_cross_entropy',
    'mask_cross_entropy', 'CrossEntropyLoss', 'reduce_loss',
    'weight_reduce_loss', 'get_class_weight', 'weighted_loss',
    'DiceLoss', 'FocalLoss', 'LovaszLoss', 'TverskyLoss'
]
