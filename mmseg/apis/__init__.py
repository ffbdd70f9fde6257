from .inference import inference_segmentor, init_segmentor
from .test import AUG_TEST_RATIOS, configure_aug_test, test_segmentor
from .train import train_segmentor

__all__ = [
    'init_segmentor', 'inference_segmentor',
    'AUG_TEST_RATIOS', 'configure_aug_test', 'test_segmentor',
    'train_segmentor'
]
