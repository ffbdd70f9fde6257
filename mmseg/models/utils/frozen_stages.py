"""``train()`` of backbones with frozen stages (ResNet, HRNet, Swin)."""
from typing import Sequence

import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


def check_stage_args(owner: str, out_indices: Sequence[int],
                     frozen_stages: int, num_stages: int) -> None:
    """Raise a ``ValueError`` naming the argument unless every
    ``out_indices`` entry is a stage and ``frozen_stages`` is in
    ``range(-1, num_stages)``."""
    for index in out_indices:
        if index not in range(num_stages):
            raise ValueError(f'{owner}: out_indices must be in '
                             f'range(0, {num_stages}), got {index}')
    if frozen_stages not in range(-1, num_stages):
        raise ValueError(f'{owner}: frozen_stages must be in '
                         f'range(-1, {num_stages}), got {frozen_stages}')


def freeze(module: nn.Module) -> None:
    """Put ``module`` in eval mode and stop the gradients of its
    parameters."""
    module.eval()
    for param in module.parameters():
        param.requires_grad = False


class FrozenStagesMixin:
    """Keeps a backbone's frozen stages in eval mode when it trains and,
    with ``norm_eval``, its batch norms too (running statistics fixed
    while the rest trains). The backbone defines ``_freeze_stages``.
    """

    norm_eval = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
