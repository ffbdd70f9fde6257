"""CAC's training hooks: the warm-ups and the anchor memory's checkpoints.

The warm-up hooks set their state before every training iteration from
``runner.iter`` alone, so a resumed run behaves exactly like an
uninterrupted one. Iteration indices are 0-based, as in the original: the
warm-up covers iterations ``0 .. start_iter``. Each hook is registered under
its class name and, for the original configs, its 0.28 snake_case name.

``CACMemoryStateHook`` stores the anchor memories (plain tensors outside
the model's ``state_dict``, ``mmseg/models/losses/cac_memory.py``) under the
checkpoint's ``cac_memory`` key, keyed by the loss module's name, so that a
resumed run continues with exactly the memory it was killed with.
"""
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmseg.models.losses.cac_memory import CACMemory
from mmseg.registry import HOOKS

MEMORY_KEY = 'cac_memory'


def segmentor_of(model: nn.Module) -> nn.Module:
    """The segmentor inside a model wrapper (or ``model`` itself)."""
    return model.module if is_model_wrapper(model) else model


def iter_losses(model: nn.Module, names: Sequence[str]) -> Iterator:
    """Loss modules of every head whose ``loss_name`` is in ``names``."""
    for head in segmentor_of(model).heads():
        losses = head.loss_decode
        for loss in losses if isinstance(losses, nn.ModuleList) else [losses]:
            if loss.loss_name in names:
                yield loss


class _LossGateHook(Hook):
    """Opens or closes a gate on the named losses before every iteration."""

    priority = 'NORMAL'

    def __init__(self, start_iter: int,
                 loss_name: Union[str, List[str]] = 'loss_cac'):
        self.start_iter = start_iter
        self.loss_names = [loss_name] if isinstance(loss_name, str) \
            else list(loss_name)
        self._was_open: Optional[bool] = None

    def is_open(self, cur_iter: int) -> bool:
        raise NotImplementedError

    def before_train(self, runner) -> None:
        losses = list(iter_losses(runner.model, self.loss_names))
        if not losses:
            raise ValueError(
                f'{type(self).__name__}: no head has a loss named '
                f'{self.loss_names}; check loss_name in custom_hooks')
        for loss in losses:
            if not hasattr(loss, 'set_gate'):
                raise TypeError(
                    f'{type(self).__name__}: {type(loss).__name__} '
                    f"('{loss.loss_name}') cannot be warmed up; use it with "
                    'CACLoss')

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        is_open = self.is_open(runner.iter)
        for loss in iter_losses(runner.model, self.loss_names):
            loss.set_gate(type(self).__name__, is_open)
        if is_open != self._was_open:
            state = 'on' if is_open else 'off (weight 0)'
            runner.logger.info(f'{type(self).__name__}: '
                               f'{", ".join(self.loss_names)} {state} from '
                               f'iteration {runner.iter + 1}')
            self._was_open = is_open


@HOOKS.register_module(name=[
    'LossWeightWarmupHook', 'loss_weight_warmup_hook'])
class LossWeightWarmupHook(_LossGateHook):
    """Zero the named losses for iterations ``0 .. start_iter``.

    Args:
        start_iter: Last warm-up iteration (0-based).
        loss_name: Loss name or names (``loss_name`` of the loss modules).
    """

    def is_open(self, cur_iter: int) -> bool:
        return cur_iter > self.start_iter


@HOOKS.register_module(name=[
    'LossWeightFinalStopHook', 'loss_weight_final_stop_hook'])
class LossWeightFinalStopHook(_LossGateHook):
    """Zero the named losses after iteration ``start_iter`` (fine-tuning).

    Args:
        start_iter: Last iteration with the loss on (0-based).
        loss_name: Loss name or names.
    """

    def is_open(self, cur_iter: int) -> bool:
        return cur_iter <= self.start_iter


@HOOKS.register_module(name=[
    'ProjectHeadDetachWarmupHook', 'project_head_detach_warmup_hook'])
class ProjectHeadDetachWarmupHook(Hook):
    """Detach the projection branch's input for iterations ``0..start_iter``.

    Args:
        start_iter: Last iteration with a detached projection input.
    """

    priority = 'NORMAL'

    def __init__(self, start_iter: int = 5000):
        self.start_iter = start_iter

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        detach = runner.iter <= self.start_iter
        for head in segmentor_of(runner.model).heads():
            if getattr(head, 'with_cac', False):
                if head.project_detach != detach:
                    state = 'detached' if detach else 'attached'
                    runner.logger.info(f'projection input {state} from '
                                       f'iteration {runner.iter + 1}')
                head.project_detach = detach


def named_memories(model: nn.Module) -> Iterator[Tuple[str, CACMemory]]:
    """(module name, memory) of every loss of ``model`` that has one."""
    for name, module in segmentor_of(model).named_modules():
        memory = getattr(module, 'memory', None)
        if isinstance(memory, CACMemory):
            yield name, memory


@HOOKS.register_module()
class CACMemoryStateHook(Hook):
    """``checkpoint['cac_memory']``: the memories, restored on resume.

    Loading weights only (``load_from``, fine-tuning) leaves the memories
    empty, like the optimizer state.
    """

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        states: Dict[str, dict] = {
            name: memory.state()
            for name, memory in named_memories(runner.model)}
        if states:
            checkpoint[MEMORY_KEY] = states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, '_resuming', False):
            return
        saved = checkpoint.get(MEMORY_KEY, {})
        for name, memory in named_memories(runner.model):
            if name not in saved:
                runner.logger.warning(
                    f'{name}: the checkpoint has no CAC memory (trained '
                    'without memory_size); the memory starts empty')
            memory.load_state(saved.get(name, {}))
