"""What the CAC loss did in a step: its anchors and its pair weights.

The values are 0-dim tensors computed on the loss's device without a host
sync; they travel in the head's loss dict under ``<name>_<key>`` (``name``
is the loss name without ``loss_``, e.g. ``cac_anchors``), so they are
logged with the losses but, having no ``loss`` in their key, not summed.
"""
from typing import Dict, Optional

import torch

# what each key holds; zero for every key in a step without anchors
DIAGNOSTICS = {
    'classes': 'classes with anchors',
    'anchors': 'anchors kept in the batch',
    'anchors_min': 'fewest anchors of a class taking part',
    'anchors_mean': 'mean anchors per class taking part',
    'hard_share': 'share of hard (misclassified) anchors',
    'n_view': 'anchor budget of each (image, class) group',
    'short_share': 'share of qualifying groups that kept fewer than n_view',
    'pos_weight': 'mean confidence weight of positive pairs',
    'neg_weight': 'mean confidence weight of negative pairs',
}


def anchor_diagnostics(label: torch.Tensor, hard: torch.Tensor,
                       weight_prob: torch.Tensor, n_view: int,
                       short_share: torch.Tensor,
                       pairs: Optional[dict] = None
                       ) -> Dict[str, torch.Tensor]:
    """Diagnostics of one loss call (see ``DIAGNOSTICS``).

    Args:
        label: Labels of the anchors (N, ).
        hard: Whether each anchor is hard (N, ).
        weight_prob: Confidence-branch probabilities of the anchors (N, C).
        n_view: The anchor budget per group.
        short_share: Share of qualifying groups short of ``n_view``.
        pairs: The loss's own pair weights (``weight``, zero diagonal) and
            ``positive`` mask, which saves computing them again.
    """
    with torch.no_grad():
        counts = torch.bincount(label).float()
        taking_part = counts[counts > 0]
        off_diag = ~torch.eye(label.numel(), dtype=torch.bool,
                              device=label.device)
        if pairs:
            weight, positive = pairs['weight'], pairs['positive']
        else:  # the pair weights of the loss: 1 - (p_i(y_j) + p_j(y_i)) / 2
            one_sided = 1 - weight_prob[:, label]
            weight = (one_sided + one_sided.T) / 2
            positive = (label[:, None] == label[None, :]) & off_diag
        negative = off_diag & ~positive
        return dict(
            classes=taking_part.new_tensor(float(taking_part.numel())),
            anchors=counts.sum(),
            anchors_min=taking_part.min(),
            anchors_mean=taking_part.mean(),
            hard_share=hard.float().mean(),
            n_view=counts.new_tensor(float(n_view)),
            short_share=short_share.float(),
            pos_weight=_masked_mean(weight, positive),
            neg_weight=_masked_mean(weight, negative))


def no_anchor_diagnostics(device: torch.device) -> Dict[str, torch.Tensor]:
    """Zeros, for a step in which the loss took no anchors."""
    return {key: torch.zeros((), device=device) for key in DIAGNOSTICS}


def _masked_mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return (values * mask).sum() / mask.sum().clamp(min=1)
