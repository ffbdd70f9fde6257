"""Opt-in speed settings: ``torch.compile`` and ``channels_last``.

Config keys (top level, next to 0.28's ``cudnn_benchmark``)::

    compile = True                      # or dict(backend='inductor', mode=...)
    channels_last = True

The backbone (``extract_feat``) and every head's ``forward`` are compiled,
losses stay eager (their shapes depend on the labels). Compilation happens
once, at the first call; a failure falls back to eager with one warning.
"""
import functools
import warnings
from typing import Callable, Union

import torch
from torch import nn


class CompiledOrEager:
    """Call ``torch.compile(fn)``; on a compile failure warn once and use
    ``fn`` from then on.

    Args:
        fn: The eager function.
        name: What is compiled, for the warning.
        options: ``torch.compile`` keyword arguments.
    """

    def __init__(self, fn: Callable, name: str, options: dict):
        self.eager = fn
        self.name = name
        self.compiled = torch.compile(fn, **options)
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        if self.compiled is None:
            return self.eager(*args, **kwargs)
        try:
            return self.compiled(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 any backend failure
            first_line = (str(error).splitlines() or [''])[0]
            warnings.warn(f'torch.compile of {self.name} failed, running it '
                          f'eagerly: {type(error).__name__}: {first_line}')
            self.compiled = None
            return self.eager(*args, **kwargs)


def compile_options(setting: Union[bool, dict, None]) -> dict:
    """``torch.compile`` arguments from the ``compile`` config value."""
    if setting is True:
        return {}
    if isinstance(setting, dict):
        return dict(setting)
    raise ValueError(f'compile must be True, False or a dict of '
                     f'torch.compile arguments, got {setting!r}')


def apply_speed_settings(model: nn.Module, compile=None,
                         channels_last: bool = False) -> nn.Module:
    """Switch on the opt-in speed settings of a built segmentor.

    Args:
        model: The segmentor (before it is wrapped for DDP).
        compile: ``True`` or a dict of ``torch.compile`` arguments; falsy
            leaves the model eager.
        channels_last: Use the channels-last memory format for weights
            and inputs.

    Returns:
        The same model.
    """
    if channels_last:
        model.to(memory_format=torch.channels_last)
        model.channels_last = True
    if compile:
        options = compile_options(compile)
        model.extract_feat = CompiledOrEager(model.extract_feat,
                                             'the backbone', options)
        for head in model.heads():
            head.forward = CompiledOrEager(head.forward, type(head).__name__,
                                           options)
    return model
