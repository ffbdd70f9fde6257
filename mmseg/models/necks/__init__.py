from .ic_neck import ICNeck

__all__ = ['ICNeck']
