"""Sigmoid focal loss (arXiv:1708.02002), in PyTorch (no compiled op)."""
from typing import List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .utils import weight_reduce_loss


def py_sigmoid_focal_loss(pred: torch.Tensor,
                          target: torch.Tensor,
                          one_hot_target=None,
                          weight: Optional[torch.Tensor] = None,
                          gamma: float = 2.0,
                          alpha: Union[float, List[float]] = 0.5,
                          class_weight: Optional[List[float]] = None,
                          valid_mask: Optional[torch.Tensor] = None,
                          reduction: str = 'mean',
                          avg_factor: Optional[float] = None
                          ) -> torch.Tensor:
    """Element-wise sigmoid focal loss, weighted and reduced.

    Args:
        pred: Logits (P, C).
        target: Binary targets (P, C).
        one_hot_target: Unused (0.28's signature).
        weight: Per-sample (P,) or element-wise (P, C) weights.
        gamma: Focusing exponent.
        alpha: Weight of the positives (1 - alpha of the negatives), or one
            per class.
        class_weight: Per-class factors.
        valid_mask: (P, 1) 1 for the samples that count.
        reduction: 'none', 'mean' or 'sum'.
        avg_factor: Divides the sum instead of the element count.
    """
    if isinstance(alpha, list):
        alpha = pred.new_tensor(alpha)
    target = target.type_as(pred)
    prob = pred.sigmoid()
    one_minus_pt = (1 - prob) * target + prob * (1 - target)
    focal_weight = (alpha * target + (1 - alpha) * (1 - target)) * \
        one_minus_pt.pow(gamma)
    loss = F.binary_cross_entropy_with_logits(
        pred, target, reduction='none') * focal_weight
    final_weight = loss.new_ones(1, pred.size(1))
    if weight is not None:
        if weight.shape != loss.shape:
            if weight.numel() != loss.size(0):
                raise ValueError(
                    f'FocalLoss: weight of shape {tuple(weight.shape)} '
                    f'matches neither the {loss.size(0)} samples nor the '
                    f'loss {tuple(loss.shape)}')
            weight = weight.reshape(-1, 1)
        final_weight = final_weight * weight
    if class_weight is not None:
        final_weight = final_weight * pred.new_tensor(class_weight)
    if valid_mask is not None:
        final_weight = final_weight * valid_mask
    return weight_reduce_loss(loss, final_weight, reduction, avg_factor)


@MODELS.register_module()
class FocalLoss(nn.Module):
    """Sigmoid focal loss of every class against the labels' one-hot code
    (or against targets of the prediction's shape).

    Args:
        use_sigmoid: Must be True (only the sigmoid form exists, as in 0.28).
        gamma: Focusing exponent.
        alpha: Weight of the positives, or a list with one per class (the
            foreground weight of each class's one-vs-rest problem, not a
            class weight).
        reduction: 'none', 'mean' or 'sum'.
        class_weight: Per-class factors (a list).
        loss_weight: Factor of the loss.
        loss_name: Key of the loss (must start with ``loss_`` to train).
    """

    def __init__(self,
                 use_sigmoid: bool = True,
                 gamma: float = 2.0,
                 alpha: Union[float, List[float]] = 0.5,
                 reduction: str = 'mean',
                 class_weight: Optional[List[float]] = None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_focal'):
        super().__init__()
        if use_sigmoid is not True:
            raise ValueError('FocalLoss: only the sigmoid focal loss '
                             'exists; set use_sigmoid=True')
        if reduction not in ('none', 'mean', 'sum'):
            raise ValueError("FocalLoss: reduction must be 'none', 'mean' "
                             f"or 'sum', got {reduction!r}")
        if not isinstance(alpha, (float, list)):
            raise TypeError(f'FocalLoss: alpha must be a float or a list of '
                            f'floats, got {alpha!r}')
        if not isinstance(class_weight, (list, type(None))):
            raise TypeError('FocalLoss: class_weight must be None or a '
                            f'list, got {class_weight!r}')
        self.use_sigmoid = use_sigmoid
        self.gamma = float(gamma)
        self.alpha = alpha
        self.reduction = reduction
        self.class_weight = class_weight
        self.loss_weight = float(loss_weight)
        self._loss_name = loss_name

    def forward(self,
                pred: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                ignore_index: int = 255,
                **kwargs) -> torch.Tensor:
        """Loss of logits (N, C, ...) and labels (N, ...) or targets
        (N, C, ...); 'none' returns it in the logits' shape."""
        assert reduction_override in (None, 'none', 'mean', 'sum')
        if pred.shape != target.shape and (
                pred.size(0) != target.size(0)
                or pred.shape[2:] != target.shape[1:]):
            raise ValueError(
                f'FocalLoss: target {tuple(target.shape)} matches neither '
                f'the prediction {tuple(pred.shape)} nor its labels')
        reduction = reduction_override or self.reduction
        shape = pred.shape
        num_classes = pred.size(1)
        flat = pred.movedim(1, -1).reshape(-1, num_classes)
        if target.shape == shape:
            target = target.movedim(1, -1).reshape(-1, num_classes)
            valid = target.argmax(dim=1) != ignore_index
        else:
            target = target.reshape(-1)
            valid = target != ignore_index
            target = F.one_hot(torch.where(valid, target, 0), num_classes)
        loss = self.loss_weight * py_sigmoid_focal_loss(
            flat, target, None, weight, gamma=self.gamma, alpha=self.alpha,
            class_weight=self.class_weight, valid_mask=valid.view(-1, 1),
            reduction=reduction, avg_factor=avg_factor)
        if reduction == 'none':
            loss = loss.reshape(shape[0], *shape[2:], num_classes)
            loss = loss.movedim(-1, 1).contiguous()
        return loss

    @property
    def loss_name(self) -> str:
        return self._loss_name
