"""mmcv 1.x names that MMSeg 0.28 code imports, on mmengine / mmcv 2.x.

``import mmseg`` installs them (0.28 code always imports mmseg, or is loaded
through ``custom_imports`` after it), so ``from mmcv.runner import
force_fp32`` works once any ``mmseg`` module has been imported. Nothing that
mmcv 2.x defines is replaced: missing attributes are added to existing mmcv
modules, and module objects are registered in ``sys.modules`` only under
names mmcv 2.x does not have (``mmcv.runner``, ``mmcv.parallel``,
``mmcv.utils.parrots_wrapper``). See ``docs/compatibility.md``.
"""
from . import (
    mmcls_models,
    mmcv_cnn,
    mmcv_parallel,
    mmcv_root,
    mmcv_runner,
    mmcv_utils,
)

_installed = False


def install() -> None:
    """Make the mmcv 1.x names importable (idempotent)."""
    global _installed
    if _installed:
        return
    mmcv_root.install()
    mmcv_utils.install()
    mmcv_cnn.install()
    mmcv_runner.install()
    mmcv_parallel.install()
    mmcls_models.install()
    _installed = True


install()
