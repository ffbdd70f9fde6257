from typing import Optional, Tuple, Union

import torch
import torch.nn as nn


def accuracy(pred: torch.Tensor,
             target: torch.Tensor,
             topk: Union[int, Tuple[int, ...]] = 1,
             thresh: Optional[float] = None,
             ignore_index: Optional[int] = None):
    """Top-k pixel accuracy in percent.

    Args:
        pred: Scores of shape (N, C, ...).
        target: Labels of shape (N, ...).
        topk: One k, or a tuple of them.
        thresh: Predictions whose score is not above it count as wrong.
        ignore_index: Label value left out of the count.

    Returns:
        A 1-element tensor per k: one tensor for an int ``topk``, else a list.
    """
    assert isinstance(topk, (int, tuple))
    single = isinstance(topk, int)
    ks = (topk, ) if single else topk
    if pred.size(0) == 0:
        res = [pred.new_tensor(0.) for _ in ks]
        return res[0] if single else res
    assert pred.ndim == target.ndim + 1
    assert pred.size(0) == target.size(0)
    maxk = max(ks)
    assert maxk <= pred.size(1), \
        f'maxk {maxk} exceeds pred dimension {pred.size(1)}'
    with torch.no_grad():  # a metric: no graph needed
        if maxk == 1:  # much faster than topk on CPU, same answer
            pred_value, pred_label = pred.max(dim=1, keepdim=True)
        else:
            pred_value, pred_label = pred.topk(maxk, dim=1)
        pred_label = pred_label.transpose(0, 1)  # (maxk, N, ...)
        correct = pred_label == target.unsqueeze(0)
        if thresh is not None:
            correct &= (pred_value > thresh).transpose(0, 1)
        if ignore_index is not None:  # masks, not boolean indexing
            valid = target != ignore_index
            correct &= valid.unsqueeze(0)
            total = valid.sum()  # stays on the device: no host sync
        else:
            total = target.numel()
        eps = torch.finfo(torch.float32).eps
        # the factor in float64, as from a Python number
        factor = 100.0 / (torch.as_tensor(total, dtype=torch.float64,
                                          device=pred.device) + eps)
        res = []
        for k in ks:
            hits = correct[:k].sum().float().reshape(1) + eps
            res.append(hits.mul_(factor))
    return res[0] if single else res


class Accuracy(nn.Module):
    """Module wrapper of :func:`accuracy`."""

    def __init__(self, topk=(1, ), thresh=None, ignore_index=None):
        super().__init__()
        self.topk = topk
        self.thresh = thresh
        self.ignore_index = ignore_index

    def forward(self, pred, target):
        return accuracy(pred, target, self.topk, self.thresh,
                        self.ignore_index)
