from .mla_neck import MLANeck
from .multilevel_neck import MultiLevelNeck

__all__ = ['MLANeck', 'MultiLevelNeck']
