"""Lovasz-Softmax and Lovasz hinge losses (arXiv:1705.08790), surrogates of
the IoU."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .utils import get_class_weight, weight_reduce_loss

Classes = Union[str, Sequence[int]]


def lovasz_grad(gt_sorted: torch.Tensor) -> torch.Tensor:
    """Gradient of the Lovasz extension of the Jaccard loss at errors
    sorted in decreasing order (Alg. 1 of the paper)."""
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.float().cumsum(0)
    union = gts + (1 - gt_sorted).float().cumsum(0)
    jaccard = 1. - intersection / union
    if len(gt_sorted) > 1:
        jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def flatten_binary_logits(logits: torch.Tensor, labels: torch.Tensor,
                          ignore_index: Optional[int] = None
                          ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Flat logits and labels without the ignored pixels."""
    logits, labels = logits.reshape(-1), labels.reshape(-1)
    if ignore_index is None:
        return logits, labels
    valid = labels != ignore_index
    return logits[valid], labels[valid]


def flatten_probs(probs: torch.Tensor, labels: torch.Tensor,
                  ignore_index: Optional[int] = None
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Probabilities (P, C) and labels (P,) without the ignored pixels."""
    if probs.dim() == 3:
        probs = probs.unsqueeze(1)
    probs = probs.movedim(1, -1).reshape(-1, probs.size(1))
    labels = labels.reshape(-1)
    if ignore_index is None:
        return probs, labels
    valid = labels != ignore_index
    return probs[valid], labels[valid]


def lovasz_hinge_flat(logits: torch.Tensor,
                      labels: torch.Tensor) -> torch.Tensor:
    """Binary Lovasz hinge loss of flat logits and 0/1 labels."""
    if len(labels) == 0:
        return logits.sum() * 0.
    signs = 2. * labels.float() - 1.
    errors = 1. - logits * signs
    errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
    return torch.dot(F.relu(errors_sorted), lovasz_grad(labels[perm]))


def lovasz_hinge(logits: torch.Tensor, labels: torch.Tensor,
                 classes: Classes = 'present', per_image: bool = False,
                 class_weight=None, reduction: str = 'mean',
                 avg_factor: Optional[float] = None,
                 ignore_index: int = 255) -> torch.Tensor:
    """Binary Lovasz hinge loss.

    Args:
        logits: (B, H, W) or (B, 1, H, W) logits.
        labels: (B, H, W) 0/1 labels.
        classes: Unused (the signature of :func:`lovasz_softmax`).
        per_image: Loss per image, then reduced; else one over the batch.
        class_weight: Unused.
        reduction: Reduction of the per-image losses.
        avg_factor: Average factor of the per-image losses.
        ignore_index: Label of ignored pixels.
    """
    if not per_image:
        return lovasz_hinge_flat(
            *flatten_binary_logits(logits, labels, ignore_index))
    losses = [
        lovasz_hinge_flat(*flatten_binary_logits(logit, label,
                                                 ignore_index))
        for logit, label in zip(logits, labels)
    ]
    return weight_reduce_loss(torch.stack(losses), None, reduction,
                              avg_factor)


def lovasz_softmax_flat(probs: torch.Tensor, labels: torch.Tensor,
                        classes: Classes = 'present',
                        class_weight=None) -> torch.Tensor:
    """Multi-class Lovasz-Softmax loss of (P, C) probabilities.

    Args:
        probs: Probabilities (P, C).
        labels: Labels (P,).
        classes: 'all', 'present' (the classes in ``labels``) or a list.
        class_weight: Per-class factors.
    """
    if probs.numel() == 0:
        return probs.sum() * 0.
    num_classes = probs.size(1)
    chosen = range(num_classes) if classes in ('all', 'present') \
        else classes
    losses = []
    for c in chosen:
        fg = (labels == c).float()
        if classes == 'present' and fg.sum() == 0:
            continue
        if num_classes == 1:
            if len(classes) > 1:
                raise ValueError('LovaszLoss: a one-channel prediction '
                                 'takes one class')
            class_pred = probs[:, 0]
        else:
            class_pred = probs[:, c]
        errors_sorted, perm = torch.sort((fg - class_pred).abs(), 0,
                                         descending=True)
        loss = torch.dot(errors_sorted, lovasz_grad(fg[perm]))
        if class_weight is not None:
            loss = loss * class_weight[c]
        losses.append(loss)
    return torch.stack(losses).mean()


def lovasz_softmax(probs: torch.Tensor, labels: torch.Tensor,
                   classes: Classes = 'present', per_image: bool = False,
                   class_weight=None, reduction: str = 'mean',
                   avg_factor: Optional[float] = None,
                   ignore_index: int = 255) -> torch.Tensor:
    """Multi-class Lovasz-Softmax loss.

    Args:
        probs: (B, C, H, W) probabilities.
        labels: (B, H, W) labels.
        classes: 'all', 'present' or a list of classes to average.
        per_image: Loss per image, then reduced; else one over the batch.
        class_weight: Per-class factors.
        reduction: Reduction of the per-image losses.
        avg_factor: Average factor of the per-image losses.
        ignore_index: Label of ignored pixels.
    """
    if not per_image:
        return lovasz_softmax_flat(
            *flatten_probs(probs, labels, ignore_index), classes=classes,
            class_weight=class_weight)
    losses = [
        lovasz_softmax_flat(
            *flatten_probs(prob.unsqueeze(0), label.unsqueeze(0),
                           ignore_index),
            classes=classes, class_weight=class_weight)
        for prob, label in zip(probs, labels)
    ]
    return weight_reduce_loss(torch.stack(losses), None, reduction,
                              avg_factor)


@MODELS.register_module()
class LovaszLoss(nn.Module):
    """Lovasz loss: Lovasz-Softmax ('multi_class', on the softmax of the
    logits) or the binary Lovasz hinge ('binary', on the logits).

    Args:
        loss_type: 'multi_class' or 'binary'.
        classes: 'all', 'present' or a list of class indices.
        per_image: Loss per image, then reduced by ``reduction``;
            otherwise one loss over the batch and ``reduction`` must be
            'none'.
        reduction: 'none', 'mean' or 'sum'.
        class_weight: Per-class factors, or a file holding them.
        loss_weight: Factor of the loss.
        loss_name: Key of the loss (must start with ``loss_`` to train).
    """

    def __init__(self,
                 loss_type: str = 'multi_class',
                 classes: Classes = 'present',
                 per_image: bool = False,
                 reduction: str = 'mean',
                 class_weight=None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_lovasz'):
        super().__init__()
        if loss_type not in ('binary', 'multi_class'):
            raise ValueError("LovaszLoss: loss_type must be 'binary' or "
                             f"'multi_class', got {loss_type!r}")
        if not (classes in ('all', 'present') or (
                isinstance(classes, (list, tuple))
                and all(isinstance(c, int) for c in classes))):
            raise ValueError("LovaszLoss: classes must be 'all', 'present' "
                             f'or a list of ints, got {classes!r}')
        if not per_image and reduction != 'none':
            raise ValueError(
                "LovaszLoss: with per_image=False set reduction='none' "
                f'(the batch gives one loss), got {reduction!r}')
        self.cls_criterion = lovasz_hinge if loss_type == 'binary' \
            else lovasz_softmax
        self.classes = classes
        self.per_image = per_image
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.class_weight = get_class_weight(class_weight)
        self._loss_name = loss_name

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                ignore_index: int = 255) -> torch.Tensor:
        """Loss of logits and labels; ``weight`` is ignored, as in 0.28."""
        assert reduction_override in (None, 'none', 'mean', 'sum')
        reduction = reduction_override or self.reduction
        class_weight = None if self.class_weight is None else \
            cls_score.new_tensor(self.class_weight)
        if self.cls_criterion is lovasz_softmax:
            cls_score = F.softmax(cls_score, dim=1)
        return self.loss_weight * self.cls_criterion(
            cls_score, label, self.classes, self.per_image,
            class_weight=class_weight, reduction=reduction,
            avg_factor=avg_factor, ignore_index=ignore_index)

    @property
    def loss_name(self) -> str:
        return self._loss_name
