"""Keep checkpoints loadable with ``torch.load(weights_only=True)``.

mmengine stores the message hub's ``HistoryBuffer`` objects (numpy arrays)
and numpy scalars in checkpoints; with numpy 2 those unpickle through
``builtins.getattr``, which weights-only loading rightly refuses. This hook
stores them as plain lists and numbers, and rebuilds them when resuming.
"""
import numpy as np
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from mmseg.registry import HOOKS

_BUFFER_TAG = '__history_buffer__'


def to_plain(obj):
    """Recursively replace numpy values and history buffers."""
    if isinstance(obj, HistoryBuffer):
        log, count = obj.data
        return {_BUFFER_TAG: True, 'log': log.tolist(),
                'count': count.tolist(), 'max_length': obj.max_length}
    if isinstance(obj, (np.ndarray, np.generic)):
        return obj.tolist()
    if isinstance(obj, dict):
        return type(obj)((k, to_plain(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_plain(v) for v in obj)
    return obj


def from_plain(obj):
    """Rebuild the history buffers written by :func:`to_plain`."""
    if isinstance(obj, dict) and obj.get(_BUFFER_TAG):
        return HistoryBuffer(obj['log'], obj['count'], obj['max_length'])
    if isinstance(obj, dict):
        return type(obj)((k, from_plain(v)) for k, v in obj.items())
    return obj


@HOOKS.register_module()
class PlainStateHook(Hook):
    """Plain-typed ``meta`` and ``message_hub`` in saved checkpoints."""

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = to_plain(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if 'message_hub' in checkpoint:
            checkpoint['message_hub'] = from_plain(checkpoint['message_hub'])
