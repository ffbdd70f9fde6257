"""``import mmcls.models`` without mmcls: 0.28's ConvNeXt configs import it
(``custom_imports``, failures not allowed) for ``mmcls.ConvNeXt``, which
this toolbox implements (``mmseg.models.backbones.convnext``).

Only when mmcls is not installed, the finder of :mod:`.finder` answers
``mmcls``, ``mmcls.models`` and ``mmcls.registry`` with this loader;
loading ``mmcls.models`` imports this toolbox's ConvNeXt and says so once
in the log.
"""


class MmclsAliasLoader:
    """Loads the stand-in ``mmcls`` modules."""

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
