"""MMSegmentation 0.28 compatible toolbox with CAC, on mmengine."""
from mmengine import digit_version

from . import (
    compat,  # noqa: F401  (mmcv 1.x names, docs/compatibility.md)
    utils,  # noqa: F401  (registers the safe checkpoint loaders)
)
from .version import __version__, version_info

__all__ = ['__version__', 'version_info', 'digit_version']
