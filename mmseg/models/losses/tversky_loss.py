"""Tversky loss (arXiv:1706.05721) on softmax probabilities."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .dice_loss import _one_hot, class_average
from .utils import get_class_weight


def tversky_loss(pred: torch.Tensor, target: torch.Tensor,
                 valid_mask: torch.Tensor, alpha: float = 0.3,
                 beta: float = 0.7, smooth: float = 1, class_weight=None,
                 ignore_index: int = 255) -> torch.Tensor:
    """``1 - (TP + s) / (TP + alpha FP + beta FN + s)`` per image and class,
    averaged as :func:`~.dice_loss.class_average` does.

    Args:
        pred: Probabilities (N, C, ...).
        target: One-hot targets of the same shape.
        valid_mask: (N, ...) 1 where the label is not ignored.
        alpha: Weight of the false positives.
        beta: Weight of the false negatives.
        smooth: Added to numerator and denominator.
        class_weight: Per-class factors (C,), or None.
        ignore_index: A class index left out of the sum.

    Returns:
        A scalar.
    """
    n, c = pred.shape[:2]
    pred = pred.reshape(n, c, -1)
    target = target.reshape(n, c, -1)
    valid = valid_mask.reshape(n, 1, -1).to(pred.dtype)
    tp = (pred * target * valid).sum(dim=2)
    fp = (pred * (1 - target) * valid).sum(dim=2)
    fn = ((1 - pred) * target * valid).sum(dim=2)
    tversky = (tp + smooth) / (tp + alpha * fp + beta * fn + smooth)
    return class_average(1 - tversky, class_weight, ignore_index)


@MODELS.register_module()
class TverskyLoss(nn.Module):
    """Tversky loss of the softmax of the logits.

    As in 0.28 the loss reads its own ``ignore_index`` and ignores what a
    head passes besides logits and labels.

    Args:
        smooth: Added to numerator and denominator.
        class_weight: Per-class factors, or a file holding them.
        loss_weight: Factor of the loss.
        ignore_index: Label of ignored pixels.
        alpha: Weight of the false positives.
        beta: Weight of the false negatives; ``alpha + beta`` must be 1.
        loss_name: Key of the loss (must start with ``loss_`` to train).
    """

    def __init__(self,
                 smooth: float = 1,
                 class_weight=None,
                 loss_weight: float = 1.0,
                 ignore_index: int = 255,
                 alpha: float = 0.3,
                 beta: float = 0.7,
                 loss_name: str = 'loss_tversky'):
        super().__init__()
        if not math.isclose(alpha + beta, 1.0):
            raise ValueError(f'TverskyLoss: alpha + beta must be 1, got '
                             f'alpha={alpha}, beta={beta}')
        self.smooth = smooth
        self.class_weight = get_class_weight(class_weight)
        self.loss_weight = loss_weight
        self.ignore_index = ignore_index
        self.alpha = alpha
        self.beta = beta
        self._loss_name = loss_name

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                **kwargs) -> torch.Tensor:
        class_weight = None if self.class_weight is None else \
            pred.new_tensor(self.class_weight)
        probs = F.softmax(pred, dim=1)
        return self.loss_weight * tversky_loss(
            probs, _one_hot(target, pred.shape[1]),
            target != self.ignore_index, alpha=self.alpha, beta=self.beta,
            smooth=self.smooth, class_weight=class_weight,
            ignore_index=self.ignore_index)

    @property
    def loss_name(self) -> str:
        return self._loss_name
