"""Make mmcv 1.x names importable, lazily, without changing mmcv 2.x.

:data:`NAMES` lists, per mmcv module, the 1.x names that MMSeg 0.28 code
imports and where each one lives now (``'module:attribute'``). A
:class:`MmcvNamesFinder` on ``sys.meta_path`` serves them:

* a module that mmcv 2.x lacks (``mmcv.runner``, ``mmcv.parallel``,
  ``mmcv.utils.parrots_wrapper``) is created on import, empty but for a
  module ``__getattr__`` that imports each name on first use;
* a module that mmcv 2.x has (``mmcv``, ``mmcv.utils``, ``mmcv.cnn``,
  ``mmcv.cnn.utils``) is loaded by mmcv's own loader and then given the
  same ``__getattr__``, which Python only calls for a name the module does
  not define: nothing mmcv defines is replaced.

This module imports only ``importlib`` and ``sys`` (not ``importlib.abc``,
which loads ``importlib.resources``), so installing the finder costs
nothing: ``import mmseg`` installs it, and so does the
``mmseg_mmcv_names.pth`` file that ``pip install`` puts into
site-packages, so that a script importing ``mmcv.runner`` before any
``mmseg`` module works too. See ``docs/compatibility.md``.
"""
import importlib
import importlib.machinery
import sys
import types
from typing import Dict, Optional

_COMPAT = 'mmseg.compat.'
_INIT = {n: f'mmengine.model:{n}' for n in (
    'constant_init', 'kaiming_init', 'normal_init', 'trunc_normal_init',
    'uniform_init', 'xavier_init', 'revert_sync_batchnorm')}
_POOLING = 'torch.nn.modules.pooling:'

NAMES: Dict[str, Dict[str, str]] = {
    'mmcv': {
        'Config': 'mmengine.config:Config',
        'ConfigDict': 'mmengine.config:ConfigDict',
        'dump': 'mmengine.fileio:dump', 'load': 'mmengine.fileio:load',
        'FileClient': 'mmengine.fileio:FileClient',
        'mkdir_or_exist': 'mmengine.utils:mkdir_or_exist',
        'ProgressBar': 'mmengine.utils:ProgressBar',
        'is_list_of': 'mmengine.utils:is_list_of',
        'digit_version': 'mmengine:digit_version',
        'runner': 'mmcv.runner:', 'parallel': 'mmcv.parallel:',
    },
    'mmcv.utils': {
        'Config': 'mmengine.config:Config',
        'ConfigDict': 'mmengine.config:ConfigDict',
        'DictAction': 'mmengine.config:DictAction',
        'Registry': 'mmengine.registry:Registry',
        'build_from_cfg': 'mmengine.registry:build_from_cfg',
        'to_2tuple': 'mmengine.utils:to_2tuple',
        'is_list_of': 'mmengine.utils:is_list_of',
        'is_seq_of': 'mmengine.utils:is_seq_of',
        'print_log': 'mmengine.logging:print_log',
        'get_logger': _COMPAT + 'mmcv_utils:get_logger',
        'collect_env': 'mmengine.utils.dl_utils:collect_env',
        'get_git_hash': 'mmengine.utils:get_git_hash',
        'digit_version': 'mmengine:digit_version',
        'TORCH_VERSION': 'torch:__version__',
        'parrots_wrapper': 'mmcv.utils.parrots_wrapper:',
    },
    'mmcv.utils.parrots_wrapper': {
        'TORCH_VERSION': 'torch:__version__',
        '_BatchNorm': 'torch.nn.modules.batchnorm:_BatchNorm',
        '_InstanceNorm': 'torch.nn.modules.instancenorm:_InstanceNorm',
        'SyncBatchNorm': 'torch.nn:SyncBatchNorm',
        '_AdaptiveAvgPoolNd': _POOLING + '_AdaptiveAvgPoolNd',
        '_AdaptiveMaxPoolNd': _POOLING + '_AdaptiveMaxPoolNd',
        '_AvgPoolNd': _POOLING + '_AvgPoolNd',
        '_MaxPoolNd': _POOLING + '_MaxPoolNd',
        'DataLoader': 'torch.utils.data:DataLoader',
    },
    'mmcv.cnn': dict(_INIT),
    'mmcv.cnn.utils': dict(_INIT),
    'mmcv.runner': {
        'BaseModule': 'mmengine.model:BaseModule',
        'ModuleList': 'mmengine.model:ModuleList',
        'Sequential': 'mmengine.model:Sequential',
        'Hook': 'mmengine.hooks:Hook',
        'get_dist_info': 'mmengine.dist:get_dist_info',
        'init_dist': 'mmseg.utils.dist:init_dist',
        'load_checkpoint': 'mmengine.runner:load_checkpoint',
        'save_checkpoint': 'mmengine.runner:save_checkpoint',
        'HOOKS': 'mmseg.registry:HOOKS',
        'OPTIMIZER_BUILDERS': 'mmseg.registry:OPTIM_WRAPPER_CONSTRUCTORS',
        'DefaultOptimizerConstructor':
        'mmseg.core.optimizer:DefaultOptimizerConstructor',
        'build_optimizer': 'mmseg.core.optimizer:build_optimizer',
        'EvalHook': 'mmseg.core.evaluation.eval_hooks:EvalHook',
        'DistEvalHook': 'mmseg.core.evaluation.eval_hooks:DistEvalHook',
        'force_fp32': _COMPAT + 'fp16:force_fp32',
        'auto_fp16': _COMPAT + 'fp16:auto_fp16',
        'wrap_fp16_model': _COMPAT + 'fp16:wrap_fp16_model',
        'obj_from_dict': _COMPAT + 'mmcv_runner:obj_from_dict',
        **{n: _COMPAT + 'legacy_runner:' + n for n in (
            'BaseRunner', 'EpochBasedRunner', 'IterBasedRunner',
            'LogBuffer', 'build_runner')},
    },
    'mmcv.parallel': {
        'MMDataParallel': 'mmseg.utils.legacy:MMDataParallel',
        'MMDistributedDataParallel':
        'mmengine.model:MMDistributedDataParallel',
        'is_module_wrapper': 'mmengine.model:is_model_wrapper',
        'collate': 'mmseg.datasets.collate:seg_collate',
        **{n: _COMPAT + 'mmcv_parallel:' + n for n in (
            'DataContainer', 'scatter', 'scatter_kwargs')},
    },
}
DOCS = {
    'mmcv.runner': 'mmcv 1.x runner names on mmengine (mmseg.compat)',
    'mmcv.parallel': 'mmcv 1.x parallel names on mmengine (mmseg.compat)',
    'mmcv.utils.parrots_wrapper': 'torch classes under their mmcv 1.x names',
}


def resolve(target: str):
    """The object ``'module:attribute'`` names (``'module:'``: the module)."""
    module_name, _, attribute = target.partition(':')
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def attach(module: types.ModuleType) -> None:
    """Give ``module`` a ``__getattr__`` serving its :data:`NAMES`; a
    ``__getattr__`` the module already has still answers the rest."""
    table = NAMES[module.__name__]
    previous = module.__dict__.get('__getattr__')
    if getattr(previous, '_mmcv_names', False):
        return

    def __getattr__(name: str):
        if name in table:
            value = resolve(table[name])
            setattr(module, name, value)
            return value
        if previous is not None:
            return previous(name)
        raise AttributeError(
            f'module {module.__name__!r} has no attribute {name!r}')

    __getattr__._mmcv_names = True
    module.__getattr__ = __getattr__


class _NewModuleLoader:
    """Creates a module mmcv 2.x lacks; its names come on first use."""

    def create_module(self, spec):
        return None  # the default module object

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = DOCS[module.__name__]
        module.__all__ = sorted(NAMES[module.__name__])
        attach(module)


class _AttachingLoader:
    """mmcv's own loader, then :func:`attach`."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__.loader = self.loader
        module.__loader__ = self.loader
        self.loader.exec_module(module)
        attach(module)


# answered by mmseg.compat.mmcls_models when mmcls is not installed
MMCLS = ('mmcls', 'mmcls.models', 'mmcls.registry')


class MmcvNamesFinder:
    """Finds the mmcv modules of :data:`NAMES` (and :data:`MMCLS` when
    mmcls is absent); ignores every other name, so it costs a dictionary
    look-up per import. (A meta path finder by protocol: ``importlib.abc``
    is not imported, see above.)"""

    _mmcv_names = True

    def find_spec(self, fullname: str, path, target=None):
        if fullname in MMCLS:
            return self._spec_from_others(fullname, path, target) or \
                importlib.machinery.ModuleSpec(
                    fullname, importlib.import_module(
                        'mmseg.compat.mmcls_models').MmclsAliasLoader(),
                    is_package=True)
        if fullname not in NAMES:
            return None
        spec = self._spec_from_others(fullname, path, target)
        if spec is None:
            if fullname not in DOCS:
                return None  # mmcv itself is not installed
            return importlib.machinery.ModuleSpec(fullname,
                                                  _NewModuleLoader())
        if spec.loader is not None and fullname not in DOCS:
            spec.loader = _AttachingLoader(spec.loader)
        return spec

    def _spec_from_others(self, fullname: str, path, target):
        for finder in sys.meta_path:
            if getattr(finder, '_mmcv_names', False):
                continue
            find = getattr(finder, 'find_spec', None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                return spec
        return None


def install() -> Optional[MmcvNamesFinder]:
    """Put the finder on ``sys.meta_path`` once, and attach the names to
    the mmcv modules imported already. Returns the finder installed now
    (None when one was there)."""
    for module_name in NAMES:
        module = sys.modules.get(module_name)
        if module is not None and module_name not in DOCS:
            attach(module)
    if any(getattr(f, '_mmcv_names', False) for f in sys.meta_path):
        return None
    finder = MmcvNamesFinder()
    sys.meta_path.insert(0, finder)
    return finder
