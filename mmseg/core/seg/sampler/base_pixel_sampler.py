from abc import ABCMeta, abstractmethod


class BasePixelSampler(metaclass=ABCMeta):
    """Interface of pixel samplers: ``sample`` returns per-pixel weights."""

    @abstractmethod
    def sample(self, seg_logit, seg_label):
        """Return a weight map of shape (N, H, W)."""
