"""0.28's random-seed helpers."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import broadcast, get_dist_info


def init_random_seed(seed: Optional[int] = None,
                     device: str = 'cpu') -> int:
    """A seed shared by all processes (rank 0 draws it when ``seed`` is None).

    Args:
        seed: Fixed seed; returned unchanged.
        device: Device of the broadcast tensor.

    Returns:
        The seed.
    """
    if seed is not None:
        return seed
    seed = np.random.randint(2**31)
    _, world_size = get_dist_info()
    if world_size == 1:
        return int(seed)
    value = torch.tensor(seed, dtype=torch.int64, device=device)
    broadcast(value, src=0)
    return int(value.item())


def set_random_seed(seed: int, deterministic: bool = False) -> None:
    """Seed python, numpy and torch; optionally make cuDNN deterministic.

    Args:
        seed: The seed.
        deterministic: Set ``cudnn.deterministic`` and disable benchmark.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
