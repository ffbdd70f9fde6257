from .featurepyramid import Feature2Pyramid
from .fpn import FPN
from .jpu import JPU
from .mla_neck import MLANeck
from .multilevel_neck import MultiLevelNeck

__all__ = ['FPN', 'JPU', 'MLANeck', 'MultiLevelNeck', 'Feature2Pyramid']
