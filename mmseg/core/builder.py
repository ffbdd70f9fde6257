"""0.28's ``mmseg.core.builder``: the optimizer-constructor registry and
builders."""
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS as OPTIMIZER_BUILDERS

from .optimizer import build_optimizer, build_optimizer_constructor

__all__ = ['OPTIMIZER_BUILDERS', 'build_optimizer',
           'build_optimizer_constructor']
