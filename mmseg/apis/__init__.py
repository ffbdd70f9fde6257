from .test import AUG_TEST_RATIOS, configure_aug_test, test_segmentor
from .train import train_segmentor

__all__ = [
    'AUG_TEST_RATIOS', 'configure_aug_test', 'test_segmentor',
    'train_segmentor'
]
