"""0.28's optimizer builders over mmengine's optimizer-wrapper constructors."""
import copy

import torch
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS


def build_optimizer_constructor(cfg: dict):
    """Build an optimizer-wrapper constructor (0.28 name).

    Args:
        cfg: ``type`` (default ``DefaultOptimWrapperConstructor``; the 0.28
            name ``DefaultOptimizerConstructor`` maps to it),
            ``optim_wrapper_cfg`` or 0.28's ``optimizer_cfg``, and
            ``paramwise_cfg``.

    Returns:
        The constructor; calling it with a model gives an optim wrapper.
    """
    cfg = dict(cfg)
    kind = cfg.pop('type', 'DefaultOptimWrapperConstructor')
    if kind == 'DefaultOptimizerConstructor':
        kind = 'DefaultOptimWrapperConstructor'
    if 'optimizer_cfg' in cfg:
        cfg['optim_wrapper_cfg'] = dict(type='OptimWrapper',
                                        optimizer=cfg.pop('optimizer_cfg'))
    return OPTIM_WRAPPER_CONSTRUCTORS.build(dict(type=kind, **cfg))


def build_optimizer(model: torch.nn.Module,
                    cfg: dict) -> torch.optim.Optimizer:
    """0.28's ``build_optimizer(model, cfg)``.

    Args:
        model: Model whose parameters are optimised.
        cfg: Optimizer config with optional ``constructor`` and
            ``paramwise_cfg`` (as in 0.28 configs).

    Returns:
        The torch optimizer.
    """
    optimizer_cfg = copy.deepcopy(dict(cfg))
    constructor = optimizer_cfg.pop('constructor',
                                    'DefaultOptimWrapperConstructor')
    paramwise_cfg = optimizer_cfg.pop('paramwise_cfg', None)
    builder = build_optimizer_constructor(
        dict(type=constructor, optimizer_cfg=optimizer_cfg,
             paramwise_cfg=paramwise_cfg))
    return builder(model).optimizer
