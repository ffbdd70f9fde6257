from .fpn import FPN
from .jpu import JPU

__all__ = ['FPN', 'JPU']
