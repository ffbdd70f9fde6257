"""mmcv 1.x names that MMSeg 0.28 code imports, on mmengine / mmcv 2.x.

:mod:`.finder` makes them importable lazily (``import mmseg`` installs it,
and so does the ``.pth`` file of an installed package); the other modules
hold the few 1.x implementations that mmengine has no equivalent for:
``fp16`` (``force_fp32`` / ``auto_fp16``), ``legacy_runner`` (the 1.x
runners), ``mmcv_runner`` (``obj_from_dict``), ``mmcv_parallel``
(``DataContainer``, ``scatter``), ``mmcv_utils`` (``get_logger``) and
``mmcls_models`` (``mmcls.ConvNeXt`` when mmcls is absent). Nothing else
in the package imports this folder. See ``docs/compatibility.md``.
"""
from .finder import install

__all__ = ['install']
