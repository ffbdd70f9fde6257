"""The ``mmcv.parallel`` module of 1.x: model wrappers and collate."""
import torch
from mmengine.model import MMDistributedDataParallel, is_model_wrapper
from torch.nn.parallel import DataParallel

from ._register import add_module


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


def _names() -> dict:
    from mmseg.datasets.collate import seg_collate
    return {'MMDataParallel': MMDataParallel,
            'MMDistributedDataParallel': MMDistributedDataParallel,
            'collate': seg_collate, 'is_module_wrapper': is_model_wrapper}


def install() -> None:
    """Register ``mmcv.parallel``."""
    add_module('mmcv.parallel', _names(), __doc__)
