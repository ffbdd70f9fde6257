"""Dice loss (V-Net, arXiv:1606.04797) on softmax probabilities."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .utils import get_class_weight, weight_reduce_loss


def _one_hot(target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(N, C, ...) one-hot of ``target``; out-of-range labels (the ignore
    index) are clamped into range, as 0.28 does, and masked by the caller."""
    one_hot = F.one_hot(target.long().clamp(0, num_classes - 1), num_classes)
    return one_hot.movedim(-1, 1).to(torch.float32)


def class_average(per_class: torch.Tensor, class_weight, ignore_index: int
                  ) -> torch.Tensor:
    """0.28's average of per-class losses (N, C): the batch mean of each
    class, times its weight, summed over the classes other than
    ``ignore_index`` and divided by the number of all classes."""
    per_class = per_class.mean(dim=0)
    if class_weight is not None:
        per_class = per_class * class_weight
    keep = torch.arange(per_class.numel(), device=per_class.device) \
        != ignore_index
    return per_class[keep].sum() / per_class.numel()


def dice_loss(pred: torch.Tensor, target: torch.Tensor,
              valid_mask: torch.Tensor, smooth: float = 1,
              exponent: float = 2, class_weight=None,
              ignore_index: int = 255) -> torch.Tensor:
    """Dice loss of probabilities against one-hot targets.

    Args:
        pred: Probabilities (N, C, ...).
        target: One-hot targets of the same shape.
        valid_mask: (N, ...) 1 where the label is not ignored; it masks the
            intersection only (the denominator counts every pixel, as in
            0.28).
        smooth: Added to numerator and denominator.
        exponent: Power of the denominator's terms.
        class_weight: Per-class factors (C,), or None.
        ignore_index: A class index left out of the sum.

    Returns:
        A scalar.
    """
    n, c = pred.shape[:2]
    pred = pred.reshape(n, c, -1)
    target = target.reshape(n, c, -1)
    valid = valid_mask.reshape(n, 1, -1).to(pred.dtype)
    num = 2 * (pred * target * valid).sum(dim=2) + smooth
    den = (pred.pow(exponent) + target.pow(exponent)).sum(dim=2) + smooth
    return class_average(1 - num / den, class_weight, ignore_index)


@MODELS.register_module()
class DiceLoss(nn.Module):
    """Dice loss of the softmax of the logits.

    As in 0.28 the loss reads its own ``ignore_index`` and ignores the
    pixel weights and ``ignore_index`` a head passes.

    Args:
        smooth: Added to numerator and denominator.
        exponent: Power of the denominator's terms.
        reduction: 'none', 'mean' or 'sum' (the loss is already a scalar).
        class_weight: Per-class factors, or a file holding them.
        loss_weight: Factor of the loss.
        ignore_index: Label of ignored pixels.
        loss_name: Key of the loss (must start with ``loss_`` to train).
        **kwargs: Ignored, as in 0.28 (configs pass e.g. ``use_sigmoid``).
    """

    def __init__(self,
                 smooth: float = 1,
                 exponent: float = 2,
                 reduction: str = 'mean',
                 class_weight=None,
                 loss_weight: float = 1.0,
                 ignore_index: int = 255,
                 loss_name: str = 'loss_dice',
                 **kwargs):
        super().__init__()
        self.smooth = smooth
        self.exponent = exponent
        self.reduction = reduction
        self.class_weight = get_class_weight(class_weight)
        self.loss_weight = loss_weight
        self.ignore_index = ignore_index
        self._loss_name = loss_name

    def forward(self, pred: torch.Tensor, target: torch.Tensor,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> torch.Tensor:
        assert reduction_override in (None, 'none', 'mean', 'sum')
        reduction = reduction_override or self.reduction
        class_weight = None if self.class_weight is None else \
            pred.new_tensor(self.class_weight)
        probs = F.softmax(pred, dim=1)
        loss = dice_loss(probs, _one_hot(target, pred.shape[1]),
                         target != self.ignore_index, smooth=self.smooth,
                         exponent=self.exponent, class_weight=class_weight,
                         ignore_index=self.ignore_index)
        return self.loss_weight * weight_reduce_loss(loss, None, reduction,
                                                     avg_factor)

    @property
    def loss_name(self) -> str:
        return self._loss_name
