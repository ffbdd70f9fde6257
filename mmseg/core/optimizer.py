"""0.28's optimizer builders over mmengine's optimizer-wrapper constructors."""
import copy
from typing import Optional

import torch
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DefaultOptimizerConstructor(DefaultOptimWrapperConstructor):
    """mmcv 1.x's constructor: ``constructor(model)`` gives a torch
    optimizer (mmengine's parameter-wise options, 0.28's arguments).

    Subclass it (registered in ``OPTIMIZER_BUILDERS``) as in 0.28.

    Args:
        optimizer_cfg: Optimizer config (``type``, ``lr``, ...).
        paramwise_cfg: Parameter-wise options (``custom_keys``,
            ``norm_decay_mult``, ...).
    """

    def __init__(self, optimizer_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        super().__init__(dict(type='OptimWrapper',
                              optimizer=dict(optimizer_cfg)), paramwise_cfg)
        self.optimizer_cfg = optimizer_cfg

    def __call__(self, model: torch.nn.Module) -> torch.optim.Optimizer:
        return super().__call__(model).optimizer


def build_optimizer_constructor(cfg: dict):
    """Build an optimizer constructor (0.28 name).

    Args:
        cfg: ``type`` (default ``DefaultOptimizerConstructor``; mmengine's
            optim-wrapper constructors work too), ``optimizer_cfg`` (or
            mmengine's ``optim_wrapper_cfg``) and ``paramwise_cfg``.

    Returns:
        The constructor; calling it with a model gives a torch optimizer
        (``DefaultOptimizerConstructor`` and subclasses) or an optim
        wrapper (mmengine's constructors).
    """
    cfg = dict(cfg)
    cfg.setdefault('type', 'DefaultOptimizerConstructor')
    kind = OPTIM_WRAPPER_CONSTRUCTORS.get(cfg['type'])
    if kind is not None and not (isinstance(kind, type) and issubclass(
            kind, DefaultOptimizerConstructor)) and 'optimizer_cfg' in cfg:
        cfg['optim_wrapper_cfg'] = dict(type='OptimWrapper',
                                        optimizer=cfg.pop('optimizer_cfg'))
    # an unknown type raises UnknownTypeError (a KeyError) naming it
    return OPTIM_WRAPPER_CONSTRUCTORS.build(cfg)


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
                                    'DefaultOptimizerConstructor')
    paramwise_cfg = optimizer_cfg.pop('paramwise_cfg', None)
    builder = build_optimizer_constructor(
        dict(type=constructor, optimizer_cfg=optimizer_cfg,
             paramwise_cfg=paramwise_cfg))
    optimizer = builder(model)
    return optimizer.optimizer if isinstance(optimizer, OptimWrapper) \
        else optimizer
