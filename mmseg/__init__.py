"""MMSegmentation 0.28 compatible toolbox with CAC, on mmengine.

Importing the package is cheap and inert, as in 0.28: it loads none of the
subpackages and only installs the finder that serves the mmcv 1.x names
(``mmseg/compat/finder.py``, standard library only).
"""
from .compat.finder import install as _install_mmcv_names
from .version import __version__, version_info

_install_mmcv_names()

__all__ = ['__version__', 'version_info', 'digit_version']


def __getattr__(name: str):
    if name == 'digit_version':  # 0.28's mmseg.digit_version
        from mmengine import digit_version
        return digit_version
    raise AttributeError(f"module 'mmseg' has no attribute {name!r}")
