from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .utils import get_class_weight, weight_reduce_loss


def cross_entropy(pred: torch.Tensor,
                  label: torch.Tensor,
                  weight: Optional[torch.Tensor] = None,
                  class_weight: Optional[torch.Tensor] = None,
                  reduction: str = 'mean',
                  avg_factor: Optional[float] = None,
                  ignore_index: int = -100,
                  avg_non_ignore: bool = False) -> torch.Tensor:
    """Softmax cross entropy with pixel weights.

    With ``avg_non_ignore=False`` (the 0.28 default) a 'mean' reduction
    divides by every pixel, ignored ones included.
    """
    loss = F.cross_entropy(pred, label, weight=class_weight,
                           reduction='none', ignore_index=ignore_index)
    if avg_factor is None and avg_non_ignore and reduction == 'mean':
        avg_factor = label.numel() - (label == ignore_index).sum().item()
    if weight is not None:
        weight = weight.float()
    return weight_reduce_loss(loss, weight, reduction, avg_factor)


def _expand_onehot_labels(labels, label_weights, target_shape, ignore_index):
    """One-hot ``labels`` to ``target_shape`` and mask out ignored pixels.

    Returns:
        The one-hot labels, their weights and the valid mask (0.28 name and
        arguments ``labels, label_weights, target_shape, ignore_index``).
    """
    valid = (labels >= 0) & (labels != ignore_index)
    onehot = labels.new_zeros(target_shape)
    idx = torch.nonzero(valid, as_tuple=True)
    if idx[0].numel() > 0:
        onehot[(idx[0], labels[valid]) + idx[1:]] = 1
    valid = valid.unsqueeze(1).expand(target_shape).float()
    if label_weights is None:
        return onehot, valid, valid
    weights = label_weights.unsqueeze(1).expand(target_shape) * valid
    return onehot, weights, valid


def binary_cross_entropy(pred: torch.Tensor,
                         label: torch.Tensor,
                         weight: Optional[torch.Tensor] = None,
                         reduction: str = 'mean',
                         avg_factor: Optional[float] = None,
                         class_weight: Optional[torch.Tensor] = None,
                         ignore_index: int = -100,
                         avg_non_ignore: bool = False,
                         **kwargs) -> torch.Tensor:
    """Sigmoid cross entropy; labels are one-hot encoded when needed."""
    if pred.size(1) == 1:
        assert label[label != ignore_index].max() <= 1, \
            'a [N, 1, H, W] prediction takes labels of at most 2 classes'
        pred = pred.squeeze(1)
    if pred.dim() != label.dim():
        assert (pred.dim(), label.dim()) in ((2, 1), (4, 3)), \
            'supported shapes: pred [N, C] with label [N], or pred ' \
            '[N, C, H, W] with label [N, H, W]'
        label, weight, valid = _expand_onehot_labels(label, weight,
                                                     pred.shape, ignore_index)
    else:
        valid = ((label >= 0) & (label != ignore_index)).float()
        weight = valid if weight is None else weight * valid
    if reduction == 'mean' and avg_factor is None and avg_non_ignore:
        avg_factor = valid.sum().item()
    loss = F.binary_cross_entropy_with_logits(
        pred, label.float(), pos_weight=class_weight, reduction='none')
    return weight_reduce_loss(loss, weight, reduction, avg_factor)


def mask_cross_entropy(pred: torch.Tensor,
                       target: torch.Tensor,
                       label: torch.Tensor,
                       reduction: str = 'mean',
                       avg_factor: Optional[float] = None,
                       class_weight: Optional[torch.Tensor] = None,
                       ignore_index: Optional[int] = None,
                       **kwargs) -> torch.Tensor:
    """Sigmoid cross entropy of the mask channel selected by ``label``."""
    assert ignore_index is None, 'mask cross entropy has no ignore_index'
    assert reduction == 'mean' and avg_factor is None
    rows = torch.arange(pred.size(0), device=pred.device)
    pred_slice = pred[rows, label].squeeze(1)
    return F.binary_cross_entropy_with_logits(
        pred_slice, target, weight=class_weight, reduction='mean')[None]


@MODELS.register_module()
class CrossEntropyLoss(nn.Module):
    """Cross entropy loss (softmax, sigmoid or per-mask).

    Args:
        use_sigmoid: Sigmoid instead of softmax.
        use_mask: Per-mask sigmoid cross entropy.
        reduction: 'none', 'mean' or 'sum'.
        class_weight: Per-class weights, or a file holding them.
        loss_weight: Factor applied to the loss.
        loss_name: Key of the loss in the loss dict; it must start with
            ``loss_`` to be back-propagated.
        avg_non_ignore: Average over non-ignored pixels only.
    """

    def __init__(self,
                 use_sigmoid: bool = False,
                 use_mask: bool = False,
                 reduction: str = 'mean',
                 class_weight=None,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_ce',
                 avg_non_ignore: bool = False):
        super().__init__()
        assert not (use_sigmoid and use_mask)
        self.use_sigmoid = use_sigmoid
        self.use_mask = use_mask
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.class_weight = get_class_weight(class_weight)
        self.avg_non_ignore = avg_non_ignore
        if use_sigmoid:
            self.cls_criterion = binary_cross_entropy
        elif use_mask:
            self.cls_criterion = mask_cross_entropy
        else:
            self.cls_criterion = cross_entropy
        self._loss_name = loss_name

    def extra_repr(self) -> str:
        return f'avg_non_ignore={self.avg_non_ignore}'

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                ignore_index: int = -100,
                **kwargs) -> torch.Tensor:
        assert reduction_override in (None, 'none', 'mean', 'sum')
        reduction = reduction_override or self.reduction
        class_weight = self._class_weight_tensor(cls_score)
        return self.loss_weight * self.cls_criterion(
            cls_score,
            label,
            weight,
            class_weight=class_weight,
            reduction=reduction,
            avg_factor=avg_factor,
            avg_non_ignore=self.avg_non_ignore,
            ignore_index=ignore_index,
            **kwargs)

    def _class_weight_tensor(self, cls_score: torch.Tensor
                             ) -> Optional[torch.Tensor]:
        """``class_weight`` as a tensor of the scores' dtype and device,
        built once per dtype and device rather than every step."""
        if self.class_weight is None:
            return None
        key = (cls_score.dtype, cls_score.device)
        cache = self.__dict__.setdefault('_class_weight_cache', {})
        if key not in cache:
            cache[key] = torch.as_tensor(self.class_weight,
                                         dtype=cls_score.dtype,
                                         device=cls_score.device)
        return cache[key]

    @property
    def loss_name(self) -> str:
        return self._loss_name
