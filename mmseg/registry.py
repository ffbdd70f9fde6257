"""Registries of the toolbox, children of mmengine's root registries.

Every registry uses the ``mmseg`` scope, so a Runner created with
``default_scope='mmseg'`` finds our components first and mmengine's (hooks,
loops, optimizers) through the parent. Building an unknown ``type`` raises an
:class:`UnknownTypeError` naming the registry and the closest known names.
"""
import difflib

from mmengine.registry import DATA_SAMPLERS as ENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as ENGINE_DATASETS
from mmengine.registry import EVALUATOR as ENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as ENGINE_FUNCTIONS
from mmengine.registry import HOOKS as ENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as ENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as ENGINE_LOOPS
from mmengine.registry import METRICS as ENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as ENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as ENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as ENGINE_OWC
from mmengine.registry import OPTIM_WRAPPERS as ENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as ENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as ENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as ENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as ENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as ENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as ENGINE_INITIALIZERS
from mmengine.registry import Registry, build_from_cfg, build_model_from_cfg


class UnknownTypeError(KeyError):
    """A config asked for a ``type`` that no registry in the chain has."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ''


def _known_names(registry: Registry) -> list:
    names = []
    while registry is not None:
        names.extend(registry.module_dict)
        registry = registry.parent
    return sorted(set(names))


def check_type(cfg, registry: Registry) -> None:
    """Raise :class:`UnknownTypeError` if ``cfg['type']`` is not registered."""
    if not isinstance(cfg, dict) or not isinstance(cfg.get('type'), str):
        return
    name = cfg['type']
    if registry.get(name) is not None:
        return
    close = difflib.get_close_matches(name, _known_names(registry), n=3,
                                      cutoff=0.5)
    hint = f' Did you mean: {", ".join(close)}?' if close else ''
    raise UnknownTypeError(
        f"Unknown type '{name}' in the '{registry.name}' registry "
        f"(scope '{registry.scope}').{hint} Check the spelling in the config "
        'or import the module that registers it (custom_imports).')


def _checked_build(cfg, registry, default_args=None):
    check_type(cfg, registry)
    return build_from_cfg(cfg, registry, default_args)


def _checked_model_build(cfg, registry, default_args=None):
    for item in cfg if isinstance(cfg, list) else [cfg]:
        check_type(item, registry)
    return build_model_from_cfg(cfg, registry, default_args)


def _registry(name, parent, location, build_func=_checked_build):
    return Registry(name, parent=parent, scope='mmseg', locations=[location],
                    build_func=build_func)


MODELS = _registry('model', ENGINE_MODELS, 'mmseg.models',
                   _checked_model_build)
DATASETS = _registry('dataset', ENGINE_DATASETS, 'mmseg.datasets')
TRANSFORMS = _registry('transform', ENGINE_TRANSFORMS, 'mmseg.datasets')
DATA_SAMPLERS = _registry('data sampler', ENGINE_DATA_SAMPLERS,
                          'mmseg.datasets')
FUNCTIONS = _registry('function', ENGINE_FUNCTIONS, 'mmseg.datasets')
METRICS = _registry('metric', ENGINE_METRICS, 'mmseg.engine')
HOOKS = _registry('hook', ENGINE_HOOKS, 'mmseg.engine')
LOOPS = _registry('loop', ENGINE_LOOPS, 'mmseg.engine')
PARAM_SCHEDULERS = _registry('parameter scheduler', ENGINE_PARAM_SCHEDULERS,
                             'mmseg.engine')
OPTIM_WRAPPERS = _registry('optim wrapper', ENGINE_OPTIM_WRAPPERS,
                           'mmseg.engine')
VISBACKENDS = _registry('vis_backend', ENGINE_VISBACKENDS, 'mmseg.engine')
# 0.28's OPTIMIZER_BUILDERS (``mmseg.core.builder``): optimizer constructors
OPTIM_WRAPPER_CONSTRUCTORS = _registry('optimizer wrapper constructor',
                                       ENGINE_OWC, 'mmseg.core')
PIXEL_SAMPLERS = _registry('pixel sampler', None, 'mmseg.core.seg')

# Children the Runner searches with the 'mmseg' scope; nothing of ours is in
# them, so builds fall through to mmengine's (without a warning each time).
for _name, _parent in (('visualizer', ENGINE_VISUALIZERS),
                       ('optimizer', ENGINE_OPTIMIZERS),
                       ('weight initializer', ENGINE_INITIALIZERS),
                       ('model_wrapper', ENGINE_MODEL_WRAPPERS),
                       ('log_processor', ENGINE_LOG_PROCESSORS),
                       ('evaluator', ENGINE_EVALUATOR)):
    Registry(_name, parent=_parent, scope='mmseg', locations=['mmseg.engine'])
