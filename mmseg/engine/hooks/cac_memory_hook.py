"""Save the CAC anchor memories in checkpoints and restore them on resume.

The memories are plain tensors outside the model's ``state_dict`` (see
``mmseg/models/losses/cac_memory.py``); this hook stores them under the
checkpoint's ``cac_memory`` key, keyed by the loss module's name, so that a
resumed run continues with exactly the memory it was killed with.
"""
from typing import Dict, Iterator, Tuple

import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmseg.registry import HOOKS

from ...models.losses.cac_memory import CACMemory

CHECKPOINT_KEY = 'cac_memory'


def named_memories(model: nn.Module) -> Iterator[Tuple[str, CACMemory]]:
    """(module name, memory) of every loss of ``model`` that has one."""
    if is_model_wrapper(model):
        model = model.module
    for name, module in model.named_modules():
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
            checkpoint[CHECKPOINT_KEY] = states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if not getattr(runner, '_resuming', False):
            return
        saved = checkpoint.get(CHECKPOINT_KEY, {})
        for name, memory in named_memories(runner.model):
            if name not in saved:
                runner.logger.warning(
                    f'{name}: the checkpoint has no CAC memory (trained '
                    'without memory_size); the memory starts empty')
            memory.load_state(saved.get(name, {}))
