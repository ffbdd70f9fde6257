"""What a NaN/inf training loss does: the one place of that policy.

The model only computes and logs its losses.
``SkipNonFiniteOptimWrapper`` never applies a step whose loss is not finite
on some rank (all ranks agree before the backward pass, so DDP stays in
step). This hook then decides,
from the rank-averaged loss terms the model logged:

* ``'stop'`` (default): raise ``FloatingPointError`` naming the iteration
  and the non-finite terms; the checkpoint hook runs after this hook, so
  nothing of the iteration is saved and the last checkpoint is kept;
* ``'skip'``: warn, and restore the buffers (BN statistics) the forward
  pass changed, as if the step had not happened.

Configs choose with ``nonfinite_loss = 'stop' | 'skip'``.
"""
from typing import List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmseg.registry import HOOKS

POLICIES = ('stop', 'skip')


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop on, or skip, training steps with a non-finite loss.

    Args:
        policy: 'stop' or 'skip'.
    """

    priority = 'HIGH'  # before the hooks that average buffers or save

    def __init__(self, policy: str = 'stop'):
        if policy not in POLICIES:
            raise ValueError(f"nonfinite_loss must be 'stop' or 'skip', got "
                             f'{policy!r}')
        self.policy = policy
        self._buffers: Optional[List[torch.Tensor]] = None

    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        if self.policy == 'skip':
            self._buffers = [b.detach().clone()
                             for b in self._model(runner).buffers()]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        bad = [k for k, v in (outputs or {}).items()
               if 'loss' in k and k != 'loss'
               and not torch.isfinite(torch.as_tensor(v)).all()]
        if not bad:
            return
        terms = ', '.join(f'{k}={float(outputs[k]):g}' for k in bad)
        where = f'non-finite loss at iteration {runner.iter + 1}: {terms}'
        if self.policy == 'stop':
            raise FloatingPointError(
                f'{where}; training stopped and the last checkpoint is kept '
                "(set nonfinite_loss = 'skip' in the config to skip such "
                'steps instead)')
        runner.logger.warning(f'{where}; step skipped')
        with torch.no_grad():
            for buf, saved in zip(self._model(runner).buffers(),
                                  self._buffers):
                buf.copy_(saved)
