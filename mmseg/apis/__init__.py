from .inference import inference_segmentor, init_segmentor, show_result_pyplot
from .seeds import init_random_seed, set_random_seed
from .test import (
    AUG_TEST_RATIOS,
    build_test_runner,
    configure_aug_test,
    multi_gpu_test,
    single_gpu_test,
    test_segmentor,
)
from .train import build_train_runner, train_segmentor

__all__ = [
    'init_segmentor', 'inference_segmentor', 'show_result_pyplot',
    'AUG_TEST_RATIOS', 'configure_aug_test', 'test_segmentor',
    'train_segmentor', 'build_train_runner', 'build_test_runner',
    'single_gpu_test', 'multi_gpu_test',
    'init_random_seed', 'set_random_seed'
]
