from typing import Optional

import torch
import torch.nn.functional as F

from mmseg.registry import PIXEL_SAMPLERS

from .base_pixel_sampler import BasePixelSampler


@PIXEL_SAMPLERS.register_module()
class OHEMPixelSampler(BasePixelSampler):
    """Online hard example mining over pixels.

    Keeps the pixels whose ground-truth probability is below
    ``max(thresh, p_k)`` where ``p_k`` is the ``min_kept * N``-th smallest
    such probability in the batch, or, without ``thresh``, the
    ``min_kept * N`` pixels of highest loss.

    Args:
        context: The decode head using the sampler (for ``ignore_index`` and
            ``pixel_losses()``).
        thresh: Probability threshold for hard pixels.
        min_kept: Minimum number of pixels kept per image.
    """

    def __init__(self, context, thresh: Optional[float] = None,
                 min_kept: int = 100000):
        super().__init__()
        assert min_kept > 1
        self.context = context
        self.thresh = thresh
        self.min_kept = min_kept

    @torch.no_grad()
    def sample(self, seg_logit: torch.Tensor,
               seg_label: torch.Tensor) -> torch.Tensor:
        """Return a 0/1 weight map of shape (N, H, W).

        Args:
            seg_logit: Logits of shape (N, C, H, W).
            seg_label: Labels of shape (N, 1, H, W).
        """
        assert seg_logit.shape[2:] == seg_label.shape[2:]
        assert seg_label.shape[1] == 1
        seg_label = seg_label.squeeze(1).long()
        batch_kept = self.min_kept * seg_label.size(0)
        ignore_index = self.context.ignore_index
        valid = seg_label != ignore_index
        if self.thresh is not None:
            prob = F.softmax(seg_logit, dim=1)
            gt = seg_label.masked_fill(~valid, 0).unsqueeze(1)
            gt_prob = prob.gather(1, gt).squeeze(1)
            valid_prob = gt_prob[valid]
            threshold = self.thresh
            if valid_prob.numel() > 0:
                # the value a full sort would put at index k, found by
                # selection; compared on the device (no host sync)
                k = min(batch_kept, valid_prob.numel() - 1)
                threshold = valid_prob.kthvalue(k + 1).values.clamp(
                    min=self.thresh)
            return (valid & (gt_prob < threshold)).to(seg_logit.dtype)
        pixel_loss = sum(
            loss(seg_logit, seg_label, weight=None,
                 ignore_index=ignore_index, reduction_override='none')
            for loss in self.context.pixel_losses())
        _, order = pixel_loss[valid].sort(descending=True)
        seg_weight = seg_logit.new_zeros(seg_label.size())
        valid_weight = seg_weight[valid]
        valid_weight[order[:batch_kept]] = 1.
        seg_weight[valid] = valid_weight
        return seg_weight
