import torch
import torch.distributed as dist
from mmengine.hooks import Hook
from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors

from mmseg.registry import HOOKS


@HOOKS.register_module()
class AverageBuffersHook(Hook):
    """Average floating-point buffers (BN statistics) over the ranks.

    Runs after every training iteration of a distributed run where SyncBN
    fell back to BN (no CUDA): every rank then validates with the same
    statistics, and they are those rank 0 saves.
    """

    priority = 'ABOVE_NORMAL'  # before the checkpoint hook saves

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if not dist.is_initialized() or dist.get_world_size() == 1:
            return
        buffers = [b for b in runner.model.buffers() if b.is_floating_point()]
        if not buffers:
            return
        flat = _flatten_dense_tensors(buffers)
        dist.all_reduce(flat)
        flat /= dist.get_world_size()
        with torch.no_grad():
            for buf, avg in zip(buffers,
                                _unflatten_dense_tensors(flat, buffers)):
                buf.copy_(avg)
