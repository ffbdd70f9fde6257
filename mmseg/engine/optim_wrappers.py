import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mmseg.registry import OPTIM_WRAPPERS


class SkipNonFiniteMixin:
    """Skip the update when the loss is not finite.

    The segmentor's ``parse_losses`` hands a NaN loss on every rank when
    the (rank-averaged) loss terms are not finite and ``nonfinite_loss`` is
    'skip', so all ranks skip the same step and DDP stays in step.
    """

    def update_params(self, loss: torch.Tensor, step_kwargs=None,
                      zero_kwargs=None) -> None:
        if torch.isfinite(loss):
            super().update_params(loss, step_kwargs, zero_kwargs)
        else:
            self.zero_grad(**(zero_kwargs or {}))


@OPTIM_WRAPPERS.register_module()
class SegOptimWrapper(SkipNonFiniteMixin, OptimWrapper):
    """``OptimWrapper`` that skips non-finite steps."""


@OPTIM_WRAPPERS.register_module()
class SegAmpOptimWrapper(SkipNonFiniteMixin, AmpOptimWrapper):
    """``AmpOptimWrapper`` that skips non-finite steps."""
