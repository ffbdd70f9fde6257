from .featurepyramid import Feature2Pyramid

__all__ = ['Feature2Pyramid']
