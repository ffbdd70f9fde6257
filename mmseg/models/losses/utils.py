import functools
from typing import Callable, Optional, Sequence, Union

import mmengine
import numpy as np
import torch


def get_class_weight(
    class_weight: Union[None, str, Sequence[float], np.ndarray, torch.Tensor]
) -> Union[None, list, torch.Tensor]:
    """Return loss weights, reading them from a file if given one.

    Args:
        class_weight: A list of per-class floats, the path of a ``.npy``,
            ``.json``, ``.yaml`` or ``.pkl`` file holding one, or an array /
            tensor, kept as a float tensor: with ``use_sigmoid`` it may hold
            one weight per element of the prediction, as in 0.28.

    Returns:
        None, a list of floats, or a float tensor.
    """
    if isinstance(class_weight, str):
        if class_weight.endswith('.npy'):
            class_weight = np.load(class_weight)
        else:
            class_weight = mmengine.load(class_weight)
    if class_weight is None:
        return None
    if isinstance(class_weight, (np.ndarray, torch.Tensor)):
        return torch.as_tensor(class_weight, dtype=torch.float32)
    return [float(w) for w in class_weight]


def reduce_loss(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    """Reduce an element-wise loss by 'none', 'mean' or 'sum'."""
    if reduction == 'none':
        return loss
    if reduction == 'mean':
        return loss.mean()
    if reduction == 'sum':
        return loss.sum()
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', "
                     f'got {reduction!r}')


def weight_reduce_loss(loss: torch.Tensor,
                       weight: Optional[torch.Tensor] = None,
                       reduction: str = 'mean',
                       avg_factor: Optional[float] = None) -> torch.Tensor:
    """Multiply an element-wise loss by ``weight`` and reduce it.

    Args:
        loss: Element-wise loss.
        weight: Element-wise weight, broadcastable to ``loss``.
        reduction: 'none', 'mean' or 'sum'.
        avg_factor: If set, 'mean' divides the sum by it instead of numel.
    """
    if weight is not None:
        assert weight.dim() == loss.dim()
        if weight.dim() > 1:
            assert weight.size(1) in (1, loss.size(1))
        loss = loss * weight
    if avg_factor is None:
        return reduce_loss(loss, reduction)
    if reduction == 'mean':
        return loss.sum() / (avg_factor + torch.finfo(torch.float32).eps)
    if reduction == 'none':
        return loss
    raise ValueError('avg_factor can not be used with reduction="sum"')


def add_loss(losses: dict, name: str, value: torch.Tensor) -> None:
    """Add ``value`` under ``name``, summing with an existing entry."""
    losses[name] = losses[name] + value if name in losses else value


def weighted_loss(loss_func: Callable) -> Callable:
    """Give an element-wise ``loss_func(pred, target, **kw)`` 0.28's extra
    ``weight``, ``reduction`` and ``avg_factor`` arguments.

    Args:
        loss_func: Returns the unreduced loss.

    Returns:
        The wrapped loss function.
    """
    @functools.wraps(loss_func)
    def wrapper(pred, target, weight=None, reduction='mean',
                avg_factor=None, **kwargs):
        loss = loss_func(pred, target, **kwargs)
        return weight_reduce_loss(loss, weight, reduction, avg_factor)
    return wrapper
