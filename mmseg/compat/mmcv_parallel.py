"""``DataContainer`` and ``scatter`` of ``mmcv.parallel`` 1.x (the module
itself is served by :mod:`.finder`; ``MMDataParallel`` is
``mmseg.utils.legacy``'s).

This project's batches are plain tensors and lists (``seg_collate``), so a
``DataContainer`` only appears where 0.28 code builds one itself;
``scatter`` unwraps them (their ``data``) and moves tensors to the target
device.
"""
from typing import Any, List, Sequence, Tuple

import torch


class DataContainer:
    """mmcv 1.x's wrapper that tells ``collate`` how to batch ``data``.

    Args:
        data: The wrapped object.
        stack: Stack tensors into a batch.
        padding_value: Padding used when stacking.
        cpu_only: Keep on the CPU when scattering.
        pad_dims: Trailing dimensions padded when stacking.
    """

    def __init__(self, data: Any, stack: bool = False,
                 padding_value: int = 0, cpu_only: bool = False,
                 pad_dims: int = 2):
        self._data = data
        self._stack = stack
        self._padding_value = padding_value
        self._cpu_only = cpu_only
        self._pad_dims = pad_dims

    @property
    def data(self) -> Any:
        return self._data

    @property
    def datatype(self) -> type:
        return type(self._data) if not isinstance(
            self._data, torch.Tensor) else self._data.type()

    @property
    def stack(self) -> bool:
        return self._stack

    @property
    def padding_value(self) -> int:
        return self._padding_value

    @property
    def cpu_only(self) -> bool:
        return self._cpu_only

    @property
    def pad_dims(self) -> int:
        return self._pad_dims

    def size(self, *args, **kwargs) -> torch.Size:
        return self._data.size(*args, **kwargs)

    def dim(self) -> int:
        return self._data.dim()

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self._data!r})'


def _unwrap(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, DataContainer):
        if obj.cpu_only:
            return obj.data
        return _unwrap(obj.data, device)
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_unwrap(o, device) for o in obj)
    if isinstance(obj, dict):
        return {k: _unwrap(v, device) for k, v in obj.items()}
    return obj


def scatter(inputs: Any, target_gpus: Sequence[int], dim: int = 0
            ) -> List[Any]:
    """1.x ``scatter`` for one process: one copy of ``inputs`` for the
    (single) target, ``DataContainer``s unwrapped and tensors moved there
    (``[-1]`` or no GPU: the CPU).

    Args:
        inputs: Nested lists / tuples / dicts of tensors and containers.
        target_gpus: Device ids; only one is supported (no data split).
        dim: Kept for the 1.x signature.

    Returns:
        A list with one element per target.
    """
    if len(target_gpus) > 1:
        raise ValueError('scatter: splitting a batch over several GPUs is '
                         'not supported; run one process per GPU (DDP)')
    gpu = target_gpus[0] if target_gpus else -1
    device = torch.device('cpu') if gpu < 0 or \
        not torch.cuda.is_available() else torch.device('cuda', gpu)
    return [_unwrap(inputs, device)]


def scatter_kwargs(inputs: Any, kwargs: dict, target_gpus: Sequence[int],
                   dim: int = 0) -> Tuple[tuple, tuple]:
    """``scatter`` of positional and keyword arguments (1.x signature)."""
    inputs = scatter(tuple(inputs) if inputs else (), target_gpus, dim)
    kwargs = scatter(kwargs or {}, target_gpus, dim)
    return tuple(inputs), tuple(kwargs)
