"""MMSegmentation 0.28 compatible toolbox with CAC, on mmengine."""
from . import utils  # noqa: F401  (registers the safe checkpoint loaders)
from .version import __version__, version_info

__all__ = ['__version__', 'version_info']
