import datetime
import os
import subprocess
import warnings
from typing import Optional

import torch
import torch.distributed as dist


def slurm_environment() -> None:
    """Set torch.distributed's variables from a Slurm task's.

    ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` come from ``SLURM_PROCID``,
    ``SLURM_NTASKS`` and ``SLURM_LOCALID``; ``MASTER_ADDR`` (the job's first
    node, from ``scontrol``) and ``MASTER_PORT`` (29500) are kept if set.
    """
    try:
        rank = os.environ['SLURM_PROCID']
        world_size = os.environ['SLURM_NTASKS']
        node_list = os.environ['SLURM_NODELIST']
    except KeyError as error:
        raise ValueError(f'--launcher slurm: {error.args[0]} is not set: run '
                         'under srun (tools/slurm_train.sh)') from None
    os.environ['RANK'] = rank
    os.environ['WORLD_SIZE'] = world_size
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
    if 'MASTER_ADDR' not in os.environ:
        hosts = subprocess.run(['scontrol', 'show', 'hostname', node_list],
                               capture_output=True, text=True, check=True)
        os.environ['MASTER_ADDR'] = hosts.stdout.split()[0]
    os.environ.setdefault('MASTER_PORT', '29500')


def init_dist(launcher: str, backend: str = 'nccl',
              timeout: Optional[float] = None) -> None:
    """Initialise torch.distributed for ``launcher`` ('pytorch' or 'slurm').

    Without CUDA, gloo is used (with a warning when another backend was
    asked for), so distributed runs work on CPU with either launcher.

    Args:
        timeout: Seconds a collective waits for the other ranks before it
            fails (None: torch's default).
    """
    if dist.is_initialized():
        return
    if launcher not in ('pytorch', 'slurm'):
        raise ValueError(f"launcher must be 'pytorch' or 'slurm', got "
                         f'{launcher!r}')
    if launcher == 'slurm':
        slurm_environment()
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
