"""``import mmcls.models`` without mmcls: 0.28's ConvNeXt configs import it
(``custom_imports``, failures not allowed) for ``mmcls.ConvNeXt``, which
this toolbox implements (``mmseg.models.backbones.convnext``).

Only when mmcls is not installed, a finder at the end of ``sys.meta_path``
answers ``mmcls``, ``mmcls.models`` and ``mmcls.registry``; loading
``mmcls.models`` imports this toolbox's ConvNeXt and says so once in the
log.
"""
import importlib.abc
import importlib.machinery
import importlib.util
import sys

MMCLS_INSTALLED = importlib.util.find_spec('mmcls') is not None


class _MmclsAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    names = ('mmcls', 'mmcls.models', 'mmcls.registry')

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.names:
            return None
        return importlib.machinery.ModuleSpec(fullname, self,
                                              is_package=True)

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        module.__path__ = []
        if module.__name__ == 'mmcls.registry':
            # mmengine imports it when it builds in the 'mmcls' scope
            from mmseg.models.backbones.convnext import MMCLS_MODELS
            module.MODELS = MMCLS_MODELS
        if module.__name__ != 'mmcls.models':
            return
        from mmengine.logging import print_log

        from mmseg.models.backbones.convnext import ConvNeXt
        module.ConvNeXt = ConvNeXt
        print_log('mmcls is not installed: mmcls.models (custom_imports) and '
                  "type='mmcls.ConvNeXt' are mmseg's ConvNeXt "
                  '(mmseg.models.backbones.convnext, mmcls 0.x keys)',
                  logger='current')


def install() -> None:
    """Add the finder (idempotent; nothing when mmcls is installed)."""
    if MMCLS_INSTALLED or any(isinstance(f, _MmclsAlias)
                              for f in sys.meta_path):
        return
    sys.meta_path.append(_MmclsAlias())
