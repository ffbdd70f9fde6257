import datetime
import os
import warnings
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.dist import init_dist as mmengine_init_dist


def init_dist(launcher: str, backend: str = 'nccl',
              timeout: Optional[float] = None) -> None:
    """Initialise torch.distributed for ``launcher`` ('pytorch' or 'slurm').

    Without CUDA the 'pytorch' launcher uses gloo (with a warning when
    another backend was asked for), so distributed runs work on CPU.

    Args:
        timeout: Seconds a collective waits for the other ranks before it
            fails (None: torch's default).
    """
    if dist.is_initialized():
        return
    if launcher == 'slurm':  # mmengine takes the timeout in seconds
        mmengine_init_dist('slurm', backend=backend, **(
            {} if timeout is None else dict(timeout=timeout)))
        return
    if launcher != 'pytorch':
        raise ValueError(f"launcher must be 'pytorch' or 'slurm', got "
                         f'{launcher!r}')
    if torch.cuda.is_available():
        local_rank = int(os.environ['LOCAL_RANK'])
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
    elif backend != 'gloo':
        warnings.warn(f'no CUDA: using the gloo backend instead of {backend}')
        backend = 'gloo'
    dist.init_process_group(backend=backend, **(
        {} if timeout is None else dict(
            timeout=datetime.timedelta(seconds=float(timeout)))))


def close_dist(success: bool) -> None:
    """Tear the process group down before the interpreter exits.

    Left to interpreter shutdown, gloo's worker threads can be destroyed
    while still joinable and abort the process (SIGABRT) after a run that
    finished fine. Ranks meet at a barrier first when the run succeeded,
    so none tears down while another still talks to it.
    """
    if not dist.is_initialized():
        return
    if success:
        dist.barrier()
    dist.destroy_process_group()


def is_rank_zero() -> bool:
    """True outside distributed runs and on rank 0."""
    return not dist.is_initialized() or dist.get_rank() == 0
