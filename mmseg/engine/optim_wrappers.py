from contextlib import contextmanager
from typing import Union

import torch
import torch.distributed as dist
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmseg.registry import OPTIM_WRAPPERS
from mmseg.utils.amp import amp_dtype


class SkipNonFiniteMixin:
    """Never apply a step whose loss is not finite on some rank.

    The ranks agree (one ``all_reduce`` of a flag) before the backward
    pass, so all of them skip the same step and DDP stays in step. What a
    non-finite loss then does (stop or carry on) is ``NonFiniteLossHook``'s
    policy.
    """

    def update_params(self, loss: torch.Tensor, step_kwargs=None,
                      zero_kwargs=None) -> None:
        finite = torch.isfinite(loss.detach()).all().to(torch.int32)
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(finite, op=dist.ReduceOp.MIN)
        if bool(finite):
            super().update_params(loss, step_kwargs, zero_kwargs)
        else:
            self.zero_grad(**(zero_kwargs or {}))


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(SkipNonFiniteMixin, OptimWrapper):
    """``OptimWrapper`` that skips non-finite steps."""


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteAmpOptimWrapper(SkipNonFiniteMixin, OptimWrapper):
    """Mixed precision training on the device of the parameters.

    CUDA: float16 autocast with a ``GradScaler`` (0.28's ``fp16``). CPU:
    bfloat16 autocast (the only kind CPU autocast has), no loss scaling.
    The state dict has mmengine ``AmpOptimWrapper``'s layout (the scaler
    under ``loss_scaler``), so checkpoints of either resume with the other.

    Args:
        loss_scale: 'dynamic', a fixed scale, or ``GradScaler`` arguments.
        **kwargs: ``OptimWrapper`` arguments.
    """

    def __init__(self, loss_scale: Union[str, float, dict] = 'dynamic',
                 **kwargs):
        super().__init__(**kwargs)
        self.device_type = self.optimizer.param_groups[0]['params'][0] \
            .device.type
        self.cast_dtype = amp_dtype(self.device_type)
        self.fixed_scale = None
        if loss_scale == 'dynamic':
            scaler_args = {}
        elif isinstance(loss_scale, (int, float)):
            self.fixed_scale = float(loss_scale)
            scaler_args = dict(init_scale=self.fixed_scale)
        elif isinstance(loss_scale, dict):
            scaler_args = dict(loss_scale)
        else:
            raise TypeError("fp16.loss_scale must be 'dynamic', a number or "
                            f'a dict of GradScaler arguments, got '
                            f'{loss_scale!r}')
        self.loss_scaler = torch.amp.GradScaler(
            self.device_type, enabled=self.cast_dtype == torch.float16,
            **scaler_args)

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        super().backward(self.loss_scaler.scale(loss), **kwargs)

    def step(self, **kwargs) -> None:
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        self.loss_scaler.update(self.fixed_scale)

    def state_dict(self) -> dict:
        return dict(super().state_dict(),
                    loss_scaler=self.loss_scaler.state_dict())

    def load_state_dict(self, state_dict: dict) -> None:
        state_dict = dict(state_dict)
        scaler = state_dict.pop('loss_scaler', None)
        if scaler:
            self.loss_scaler.load_state_dict(scaler)
        super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                self.device_type, dtype=self.cast_dtype):
            yield
