"""The ``mmcv.runner`` module of 1.x, built from mmengine equivalents.

Training loops are mmengine's (``mmseg.engine.runner.ResumableRunner``);
mmcv 1.x's ``EpochBasedRunner``/``IterBasedRunner``/``build_runner`` are the
small 1.x-convention runners of ``legacy_runner`` and
``EvalHook``/``DistEvalHook`` are ``mmseg.core``'s (see
``docs/compatibility.md``).
"""
import torch
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.model import BaseModule, ModuleList, Sequential
from mmengine.runner import load_checkpoint, save_checkpoint

from ._register import add_module
from .fp16 import auto_fp16, force_fp32
from .legacy_runner import (
    BaseRunner,
    EpochBasedRunner,
    IterBasedRunner,
    LogBuffer,
    build_runner,
)


def obj_from_dict(info: dict, parent=None, default_args: dict = None):
    """Build ``info['type']`` (a name looked up in ``parent``, or a class).

    Args:
        info: Dict with ``type`` and the constructor's arguments.
        parent: Module to look the type name up in (e.g. ``torch.optim``).
        default_args: Arguments added when ``info`` lacks them.

    Returns:
        The object.
    """
    if not isinstance(info, dict) or 'type' not in info:
        raise TypeError(f'obj_from_dict needs a dict with a "type" key, '
                        f'got {info!r}')
    args = dict(info)
    kind = args.pop('type')
    if isinstance(kind, str):
        if parent is None or not hasattr(parent, kind):
            raise KeyError(f'type {kind!r} not found in {parent!r}')
        kind = getattr(parent, kind)
    for key, value in (default_args or {}).items():
        args.setdefault(key, value)
    return kind(**args)


def build_optimizer(model: torch.nn.Module, cfg: dict):
    """0.28's ``build_optimizer(model, cfg)``: a torch optimizer.

    Args:
        model: The model whose parameters are optimised.
        cfg: Optimizer config (``type``, ``lr``, ..., optional
            ``paramwise_cfg`` and ``constructor``).

    Returns:
        The optimizer (not an mmengine ``OptimWrapper``).
    """
    from mmseg.core.optimizer import build_optimizer as build
    return build(model, cfg)


def _names() -> dict:
    from mmseg.core.evaluation.eval_hooks import DistEvalHook, EvalHook
    from mmseg.core.optimizer import DefaultOptimizerConstructor
    from mmseg.registry import HOOKS, OPTIM_WRAPPER_CONSTRUCTORS
    from mmseg.utils import init_dist
    names = {
        'BaseModule': BaseModule, 'ModuleList': ModuleList,
        'Sequential': Sequential, 'force_fp32': force_fp32,
        'auto_fp16': auto_fp16, 'HOOKS': HOOKS, 'Hook': Hook,
        'get_dist_info': get_dist_info, 'init_dist': init_dist,
        'load_checkpoint': load_checkpoint,
        'save_checkpoint': save_checkpoint, 'obj_from_dict': obj_from_dict,
        'build_optimizer': build_optimizer,
        'DefaultOptimizerConstructor': DefaultOptimizerConstructor,
        'OPTIMIZER_BUILDERS': OPTIM_WRAPPER_CONSTRUCTORS,
        'BaseRunner': BaseRunner, 'IterBasedRunner': IterBasedRunner,
        'EpochBasedRunner': EpochBasedRunner, 'build_runner': build_runner,
        'LogBuffer': LogBuffer, 'EvalHook': EvalHook,
        'DistEvalHook': DistEvalHook,
    }
    return names


def install() -> None:
    """Register ``mmcv.runner``."""
    add_module('mmcv.runner', _names(), __doc__)
