"""``force_fp32`` / ``auto_fp16`` of mmcv 1.x for mmengine's AMP.

mmengine's AMP runs the forward under ``torch.autocast``. As in 0.28, a
``force_fp32`` method (typically ``losses``) then gets its floating tensor
arguments cast to float32 and runs with autocast switched off, so the loss
is computed in full precision. ``auto_fp16`` casts to half only on a module
that sets ``fp16_enabled = True`` (the 0.28 ``wrap_fp16_model`` contract);
under autocast it leaves the arguments to autocast.
"""
import functools
import inspect
from typing import Callable, Iterable, Optional

import torch


def _cast(value, dtype: torch.dtype):
    if isinstance(value, torch.Tensor):
        return value.to(dtype) if value.is_floating_point() else value
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    return value


def _autocast_devices() -> list:
    devices = []
    if torch.is_autocast_enabled():
        devices.append('cuda')
    if torch.is_autocast_cpu_enabled():
        devices.append('cpu')
    return devices


def _cast_arguments(func: Callable, args: tuple, kwargs: dict,
                    apply_to: Optional[Iterable[str]], dtype: torch.dtype):
    bound = inspect.signature(func).bind(*args, **kwargs)
    names = list(bound.arguments)[1:]  # skip self
    for name in names:
        if apply_to is None or name in apply_to:
            bound.arguments[name] = _cast(bound.arguments[name], dtype)
    return bound.args, bound.kwargs


def force_fp32(apply_to: Optional[Iterable[str]] = None,
               out_fp16: bool = False) -> Callable:
    """Run the method in float32 under AMP (0.28 signature).

    Args:
        apply_to: Argument names to cast; all floating tensors if None.
        out_fp16: Cast the floating outputs back to half.

    Returns:
        The decorator.
    """
    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            devices = _autocast_devices()
            if not devices and not getattr(self, 'fp16_enabled', False):
                return func(self, *args, **kwargs)
            args, kwargs = _cast_arguments(func, (self, ) + args, kwargs,
                                           apply_to, torch.float32)
            with _autocast_off(devices):
                out = func(*args, **kwargs)
            return _cast(out, torch.half) if out_fp16 else out
        return wrapper
    return decorator


def auto_fp16(apply_to: Optional[Iterable[str]] = None,
              out_fp32: bool = False) -> Callable:
    """Run the method in half precision when the module is fp16-enabled.

    Args:
        apply_to: Argument names to cast; all floating tensors if None.
        out_fp32: Cast the floating outputs to float32.

    Returns:
        The decorator.
    """
    def decorator(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(self, *args, **kwargs):
            if not getattr(self, 'fp16_enabled', False):
                out = func(self, *args, **kwargs)
                return _cast(out, torch.float32) if out_fp32 and \
                    _autocast_devices() else out
            args, kwargs = _cast_arguments(func, (self, ) + args, kwargs,
                                           apply_to, torch.half)
            out = func(*args, **kwargs)
            return _cast(out, torch.float32) if out_fp32 else out
        return wrapper
    return decorator


class _autocast_off:
    """Disable autocast on the given device types for a block."""

    def __init__(self, devices: list):
        self.contexts = [torch.autocast(d, enabled=False) for d in devices]

    def __enter__(self):
        for ctx in self.contexts:
            ctx.__enter__()

    def __exit__(self, *exc):
        for ctx in reversed(self.contexts):
            ctx.__exit__(*exc)


def wrap_fp16_model(model: torch.nn.Module) -> None:
    """1.x's ``wrap_fp16_model`` on torch >= 1.6: sets ``fp16_enabled`` on
    every module that has the attribute, so that its ``auto_fp16`` methods
    cast; the weights stay float32 (mixed precision comes from autocast).

    Args:
        model: The model, changed in place.
    """
    for module in model.modules():
        if hasattr(module, 'fp16_enabled'):
            module.fp16_enabled = True
