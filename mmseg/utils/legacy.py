"""0.28's ``mmseg.utils`` helpers: logger, device, wrappers, env setup."""
import logging
import os
import platform
import warnings
from typing import Optional

import torch
from mmengine.logging import MMLogger
from torch.nn.parallel import DataParallel


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


class MMDataParallel(DataParallel):
    """0.28's single-process wrapper; also calls ``train_step``/``val_step``.

    Without CUDA (``device_ids=None`` or CPU) it runs the module directly,
    as mmcv 1.x did on the CPU.
    """

    def __init__(self, module: torch.nn.Module, device_ids=None, dim=0,
                 **kwargs):
        if not torch.cuda.is_available():
            torch.nn.Module.__init__(self)
            self.module = module
            self.device_ids = []
            self.dim = dim
            return
        super().__init__(module, device_ids=device_ids, dim=dim, **kwargs)

    def forward(self, *args, **kwargs):
        if not self.device_ids:
            return self.module(*args, **kwargs)
        return super().forward(*args, **kwargs)

    def train_step(self, *args, **kwargs):
        """The module's ``train_step``."""
        return self.module.train_step(*args, **kwargs)

    def val_step(self, *args, **kwargs):
        """The module's ``val_step``."""
        return self.module.val_step(*args, **kwargs)


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
    """0.28's process setup from the config keys ``mp_start_method``,
    ``opencv_num_threads`` and, with ``data.workers_per_gpu > 1``,
    ``omp_num_threads`` / ``mkl_num_threads`` (an environment variable
    already set wins). A missing key changes nothing; a value of the wrong
    kind is ignored with a warning naming the key.

    Args:
        cfg: The config.
    """
    import cv2
    import torch.multiprocessing as mp

    def ignored(key: str, value, expected: str) -> None:
        warnings.warn(f'setup_multi_processes: {key}={value!r} ignored; '
                      f'expected {expected}')

    method = cfg.get('mp_start_method', None)
    if platform.system() != 'Windows' and method is not None:
        if method in ('fork', 'spawn', 'forkserver'):
            mp.set_start_method(method, force=True)
        else:
            ignored('mp_start_method', method, "'fork', 'spawn' or "
                    "'forkserver'")
    cv_threads = cfg.get('opencv_num_threads', None)
    if isinstance(cv_threads, int):
        cv2.setNumThreads(cv_threads)
    elif cv_threads is not None:
        ignored('opencv_num_threads', cv_threads, 'an int')
    if cfg.get('data', {}).get('workers_per_gpu', 1) <= 1:
        return
    for key, name in (('omp_num_threads', 'OMP_NUM_THREADS'),
                      ('mkl_num_threads', 'MKL_NUM_THREADS')):
        value = cfg.get(key, None)
        if name in os.environ or value is None:
            continue
        if isinstance(value, int):
            os.environ[name] = str(value)
        else:
            ignored(key, value, 'an int')
