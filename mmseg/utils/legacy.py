"""0.28's ``mmseg.utils`` helpers: logger, device, wrappers, env setup."""
import logging
import os
import platform
import warnings
from typing import Optional

import torch
from mmengine.logging import MMLogger


def get_root_logger(log_file: Optional[str] = None,
                    log_level: int = logging.INFO) -> logging.Logger:
    """The ``mmseg`` logger (0.28 name).

    Args:
        log_file: Optional file that also receives the records.
        log_level: Level of the logger.

    Returns:
        The logger.
    """
    if MMLogger.check_instance_created('mmseg'):
        return MMLogger.get_instance('mmseg')
    return MMLogger.get_instance('mmseg', logger_name='mmseg',
                                 log_file=log_file, log_level=log_level)


def get_device() -> str:
    """'cuda' when available, else 'cpu'."""
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def build_dp(model: torch.nn.Module, device: str = 'cuda', dim: int = 0,
             *args, **kwargs) -> torch.nn.Module:
    """Wrap ``model`` for single-process use (0.28's ``build_dp``).

    Args:
        model: The model.
        device: 'cuda' or 'cpu'.
        dim: Scatter dimension.

    Returns:
        An ``MMDataParallel``.
    """
    from mmseg.compat.mmcv_parallel import MMDataParallel
    if device == 'cuda':
        model = model.cuda()
    elif device != 'cpu':
        raise ValueError(f"build_dp: device must be 'cuda' or 'cpu', got "
                         f'{device!r}')
    return MMDataParallel(model, *args, dim=dim, **kwargs)


def build_ddp(model: torch.nn.Module, device: str = 'cuda', *args,
              **kwargs) -> torch.nn.Module:
    """Wrap ``model`` in mmengine's ``MMDistributedDataParallel``.

    Args:
        model: The model.
        device: 'cuda' (or 'cpu' for gloo).

    Returns:
        The wrapped model.
    """
    from mmengine.model import MMDistributedDataParallel
    if device == 'cuda':
        model = model.cuda()
    return MMDistributedDataParallel(model, *args, **kwargs)


def setup_multi_processes(cfg) -> None:
    """0.28's process setup: fork start method, one OpenCV / OMP / MKL thread
    per worker unless the config or environment says otherwise.

    Args:
        cfg: Config with optional ``mp_start_method``, ``opencv_num_threads``
            and ``data.workers_per_gpu``.
    """
    import cv2
    import torch.multiprocessing as mp
    if platform.system() != 'Windows':
        method = cfg.get('mp_start_method', 'fork')
        current = mp.get_start_method(allow_none=True)
        if current is not None and current != method:
            warnings.warn(f'multi-processing start method {method!r} differs '
                          f'from the one already set ({current!r}); it is '
                          'forced to the config value')
        mp.set_start_method(method, force=True)
    cv2.setNumThreads(cfg.get('opencv_num_threads', 0))
    workers = cfg.get('data', {}).get('workers_per_gpu', 1)
    if workers > 1:
        for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
            if name not in os.environ:
                os.environ[name] = '1'
