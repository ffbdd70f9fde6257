"""``mmcv.utils`` names of 1.x and ``mmcv.utils.parrots_wrapper``."""
import logging
from typing import Optional

import torch
from mmengine.config import Config, ConfigDict
from mmengine.logging import MMLogger, print_log
from mmengine.registry import Registry, build_from_cfg
from mmengine.utils import is_list_of, is_seq_of, to_2tuple
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm
from torch.nn.modules.pooling import (
    _AdaptiveAvgPoolNd,
    _AdaptiveMaxPoolNd,
    _AvgPoolNd,
    _MaxPoolNd,
)
from torch.utils.data import DataLoader

from ._register import add_missing, add_module


def get_logger(name: str, log_file: Optional[str] = None,
               log_level: int = logging.INFO,
               file_mode: str = 'w') -> logging.Logger:
    """0.28's ``get_logger``: a named logger (mmengine ``MMLogger``).

    Args:
        name: Logger name; the same name returns the same logger.
        log_file: Optional file that also receives the records.
        log_level: Level of the logger.
        file_mode: 'w' or 'a' for ``log_file``.

    Returns:
        The logger.
    """
    if MMLogger.check_instance_created(name):
        return MMLogger.get_instance(name)
    return MMLogger.get_instance(name, logger_name=name, log_file=log_file,
                                 log_level=log_level, file_mode=file_mode)


PARROTS_WRAPPER = {
    'TORCH_VERSION': torch.__version__, '_BatchNorm': _BatchNorm,
    '_InstanceNorm': _InstanceNorm, 'SyncBatchNorm': torch.nn.SyncBatchNorm,
    '_AdaptiveAvgPoolNd': _AdaptiveAvgPoolNd,
    '_AdaptiveMaxPoolNd': _AdaptiveMaxPoolNd, '_AvgPoolNd': _AvgPoolNd,
    '_MaxPoolNd': _MaxPoolNd, 'DataLoader': DataLoader,
}


def install() -> None:
    """Add the names to ``mmcv.utils``; register its ``parrots_wrapper``."""
    add_missing('mmcv.utils', {
        'Config': Config, 'ConfigDict': ConfigDict, 'Registry': Registry,
        'build_from_cfg': build_from_cfg, 'to_2tuple': to_2tuple,
        'get_logger': get_logger, 'print_log': print_log,
        'is_list_of': is_list_of, 'is_seq_of': is_seq_of,
    })
    wrapper = add_module('mmcv.utils.parrots_wrapper', PARROTS_WRAPPER,
                         'torch classes under their mmcv 1.x names')
    add_missing('mmcv.utils', {'parrots_wrapper': wrapper})
