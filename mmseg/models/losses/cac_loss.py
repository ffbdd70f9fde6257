"""Confidence-aware contrastive (CAC) loss, vectorised.

Per image, every class with more than ``threshold`` labelled pixels takes
part. For each such (image, class) group, up to ``n_view`` anchor pixels are
kept, half "hard" (labelled c, predicted otherwise) and half "easy"
(labelled and predicted c), the other kind filling in when one is short.
The anchors' L2-normalised projections enter a supervised contrastive loss
whose negatives and positives are weighted by the confidence branch:
``w_ij = 1 - (p_i(y_j) + p_j(y_i)) / 2``. The loss is averaged per class over
class ids ``0 .. max(y)`` (absent ids count as 0), like the original.

With ``memory_size > 0`` a per-class memory of past anchors (of all ranks,
see ``cac_memory.py``) adds contrast keys: each anchor's positives and
negatives also include the memory entries, weighted by the same rule
``w_im = 1 - (p_i(y_m) + p_m(y_i)) / 2``, without gradient into them. The
per-class mean stays over the step's anchors.

All groups are handled at once: one sort orders the candidate pixels by
(group, kind, priority) and a rank within each group decides what is kept.
"""
from typing import Callable, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .cac_diagnostics import anchor_diagnostics, no_anchor_diagnostics
from .cac_memory import CACMemory


def _keep_counts(num_hard: torch.Tensor, num_easy: torch.Tensor,
                 n_view: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """How many hard and easy anchors each group keeps (at most n_view)."""
    half = n_view / 2
    hard_ok, easy_ok = num_hard >= half, num_easy >= half
    keep_hard = torch.where(
        hard_ok & easy_ok, torch.full_like(num_hard, n_view // 2),
        torch.where(hard_ok, n_view - num_easy, num_hard))
    keep_easy = torch.where(
        hard_ok & easy_ok, torch.full_like(num_easy, n_view - n_view // 2),
        torch.where(easy_ok & ~hard_ok, n_view - num_hard, num_easy))
    return keep_hard.clamp(max=num_hard), keep_easy.clamp(max=num_easy)


def _rank_in_group(group: torch.Tensor, priority: torch.Tensor,
                   num_groups: int) -> torch.Tensor:
    """Rank of each element among those of its group, by ``priority``."""
    by_priority = torch.argsort(priority, stable=True)
    order = by_priority[torch.argsort(group[by_priority], stable=True)]
    sizes = torch.bincount(group, minlength=num_groups)
    starts = torch.cumsum(sizes, 0) - sizes
    ranks = torch.empty_like(order)
    ranks[order] = torch.arange(order.numel(), device=group.device) - \
        starts[group[order]]
    return ranks


def _attached_zero(feature_map: torch.Tensor, weight_logit: torch.Tensor,
                   project: Optional[Callable]) -> torch.Tensor:
    """A zero that keeps the inputs, and the parameters of ``project``, in
    the graph (DDP sees them used)."""
    tensors = [feature_map, weight_logit]
    if project is not None:
        tensors.append(project(feature_map.new_zeros(0,
                                                     feature_map.shape[1])))
    return sum(t.sum() for t in tensors) * 0


@MODELS.register_module()
class CACLoss(nn.Module):
    """Confidence-aware contrastive loss.

    Args:
        max_sample: Anchors per batch, shared by all (image, class) groups.
        threshold: Minimum pixel count (exclusive) of a class in an image,
            and the most anchors a group may keep.
        loss_weight: Factor applied to the loss.
        temperature: Softmax temperature of the similarities.
        base_temperature: The loss is scaled by temperature / base_temperature.
        fp: Hard anchors are false positives of the class (predicted c,
            labelled otherwise) instead of its false negatives.
        detach: Detach the contrast side of the similarity matrix.
        hard_sort_hardmining: Keep the hard pixels most confidently
            predicted as the class instead of a random subset.
        easy_sort_hardmining: Keep the least confident easy pixels instead
            of a random subset.
        ignore_index: Label value that never forms a group.
        loss_name: Key of the loss in the head's loss dict.
        memory_size: Entries per class of the cross-image anchor memory;
            0 turns it off (the loss is then exactly the in-batch one). The
            memory is filled after each training-mode call in which the
            loss is on, with the anchors of all ranks; in eval mode it is
            read but not filled.
        diagnostics: Report the anchors and pair weights of each call
            (see :mod:`.cac_diagnostics`) into the ``stats`` dict the head
            passes; they never change the loss.
    """

    # what the head passes besides the segmentation logits and labels
    branch_inputs = ('feature_map', 'weight_logit')

    def __init__(self,
                 max_sample: int = 1024,
                 threshold: int = 100,
                 loss_weight: float = 0.1,
                 temperature: float = 0.1,
                 base_temperature: float = 0.07,
                 fp: bool = False,
                 detach: bool = False,
                 hard_sort_hardmining: bool = False,
                 easy_sort_hardmining: bool = False,
                 ignore_index: int = 255,
                 loss_name: str = 'loss_cac',
                 memory_size: int = 0,
                 diagnostics: bool = True):
        super().__init__()
        self.max_sample = max_sample
        self.threshold = threshold
        self.base_loss_weight = loss_weight
        self.loss_weight = loss_weight
        self.temperature = temperature
        self.base_temperature = base_temperature
        self.fp = fp
        self.detach = detach
        self.hard_sort_hardmining = hard_sort_hardmining
        self.easy_sort_hardmining = easy_sort_hardmining
        self.ignore_index = ignore_index
        self._loss_name = loss_name
        self._gates = {}
        self.memory = CACMemory(memory_size) if memory_size else None
        self.diagnostics = diagnostics

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def set_gate(self, name: str, is_open: bool) -> None:
        """Open or close a named gate; any closed gate zeroes the weight.

        Warm-up hooks use gates so that several of them compose whatever
        their order.
        """
        self._gates[name] = is_open
        self.loss_weight = self.base_loss_weight \
            if all(self._gates.values()) else 0.0

    def forward(self,
                predict: torch.Tensor,
                feature_map: torch.Tensor,
                label: torch.Tensor,
                weight_logit: torch.Tensor,
                ignore_index: Optional[int] = None,
                project: Optional[Callable] = None,
                stats: Optional[dict] = None,
                **kwargs) -> torch.Tensor:
        """Compute the loss.

        Args:
            predict: Segmentation logits (B, C, h, w); only their argmax and
                softmax rank the anchors (no gradient flows into them).
            feature_map: Projection features (B, D, h, w).
            label: Labels (B, H, W) at any resolution; resized to (h, w) by
                nearest neighbour.
            weight_logit: Confidence-branch logits (B, C, h, w).
            ignore_index: Overrides the constructor's value when given.
            project: Maps the anchors' gathered features (N, D) to their
                projections (N, D'); lets a head compute its last pointwise
                layer at the anchors only. None: ``feature_map`` is final.
            stats: Receives the diagnostics (``cac_anchors``, ...) when
                they are on.

        Returns:
            A float32 scalar, also under autocast; zero (still attached to
            the graph) when no class qualifies or the weight is zero.
        """
        feature_map, weight_logit = feature_map.float(), weight_logit.float()
        stats = stats if self.diagnostics else None
        if self.loss_weight == 0:
            self._report(stats, no_anchor_diagnostics(feature_map.device))
            return _attached_zero(feature_map, weight_logit, project)
        # under AMP the similarity matrix would be computed in float16
        # (bfloat16 on CPU): keep the whole loss in float32
        with torch.autocast(feature_map.device.type, enabled=False):
            return self._loss(predict, feature_map, label, weight_logit,
                              ignore_index, project, stats)

    def _report(self, stats: Optional[dict], values: dict) -> None:
        if stats is not None:
            prefix = self.loss_name[len('loss_'):] \
                if self.loss_name.startswith('loss_') else self.loss_name
            stats.update({f'{prefix}_{k}': v for k, v in values.items()})

    def _loss(self, predict, feature_map, label, weight_logit, ignore_index,
              project, stats):
        ignore = self.ignore_index if ignore_index is None else ignore_index
        selection = None if stats is None else {}
        with torch.no_grad():
            batch_idx, pixel_idx, labels = self._select_anchors(
                predict.detach().float(), label, feature_map.shape[2:],
                ignore, selection)
        if labels.numel() == 0:
            self._report(stats, no_anchor_diagnostics(feature_map.device))
            if self.memory is not None and self.training:  # collective
                self.memory.enqueue(feature_map.new_empty(0, 0), labels,
                                    weight_logit.new_empty(
                                        0, weight_logit.shape[1]))
            return _attached_zero(feature_map, weight_logit, project)
        b, d = feature_map.shape[:2]
        features = feature_map.reshape(b, d, -1)[batch_idx, :, pixel_idx]
        if project is not None:
            features = project(features).float()
        weight_prob = F.softmax(
            weight_logit.reshape(b, weight_logit.shape[1],
                                 -1)[batch_idx, :, pixel_idx], dim=1)
        features = F.normalize(features, dim=1)
        memory = None if self.memory is None else \
            self.memory.entries(features.device)
        pairs = None if stats is None else {}
        loss = self._contrastive(features, labels, weight_prob, memory,
                                 pairs=pairs)
        if stats is not None:
            self._report(stats, anchor_diagnostics(
                labels, weight_prob=weight_prob.detach(), **selection,
                pairs=pairs))
        if self.memory is not None and self.training:
            self.memory.enqueue(features, labels, weight_prob)
        return loss * self.loss_weight

    def _select_anchors(self, predict, label, size, ignore,
                        selection: Optional[dict] = None):
        """Pick the anchors of every qualifying (image, class) group.

        Args:
            selection: Receives ``hard`` (per anchor), ``n_view`` and
                ``short_share`` for the diagnostics when given.

        Returns:
            Batch index, flat pixel index and label of each anchor.
        """
        b, num_classes = predict.shape[:2]
        label = F.interpolate(label[:, None].float(), size=size,
                              mode='nearest')[:, 0].long().reshape(b, -1)
        logits = predict.reshape(b, num_classes, -1)
        pred = logits.argmax(dim=1)
        valid = (label != ignore) & (label >= 0) & (label < num_classes)
        image = torch.arange(b, device=label.device)[:, None].expand_as(label)
        counts = torch.bincount((image * num_classes + label)[valid],
                                minlength=b * num_classes)
        qualifies = counts > self.threshold
        total = int(qualifies.sum())
        if total == 0:
            return (label.new_empty(0), ) * 3
        n_view = min(self.max_sample // total, self.threshold)

        easy = valid & (pred == label)
        hard = valid & ~easy
        # a pixel is easy for its label's group; hard for the group of its
        # label (false negative) or, with ``fp``, of its prediction
        group_class = torch.where(hard, pred, label) if self.fp else label
        group = image * num_classes + group_class.clamp(0, num_classes - 1)
        member = (easy | hard) & qualifies[group]
        img_m, pix_m = member.nonzero(as_tuple=True)
        group_m, hard_m = group[member], hard[member]
        slot = group_m * 2 + (~hard_m).long()  # (group, kind): hard first

        sizes = torch.bincount(slot, minlength=2 * b * num_classes)
        keep_hard, keep_easy = _keep_counts(sizes[0::2], sizes[1::2], n_view)
        keep = torch.stack([keep_hard, keep_easy], dim=1).reshape(-1)

        cls_prob = F.softmax(logits[img_m, :, pix_m], dim=1).gather(
            1, (group_m % num_classes)[:, None])[:, 0]
        priority = torch.rand_like(cls_prob)
        if self.hard_sort_hardmining:  # most confident false pixels first
            priority = torch.where(hard_m, -cls_prob, priority)
        if self.easy_sort_hardmining:  # least confident true pixels first
            priority = torch.where(hard_m, priority, cls_prob)
        ranks = _rank_in_group(slot, priority, sizes.numel())
        chosen = ranks < keep[slot]
        img_c, pix_c = img_m[chosen], pix_m[chosen]
        if selection is not None:
            kept = (keep_hard + keep_easy)[qualifies]
            selection.update(hard=hard_m[chosen], n_view=n_view,
                             short_share=(kept < n_view).float().mean())
        return img_c, pix_c, label[img_c, pix_c]

    def _contrastive(self,
                     feature: torch.Tensor,
                     label: torch.Tensor,
                     weight_prob: torch.Tensor,
                     memory: Optional[Tuple[torch.Tensor, ...]] = None,
                     pairs: Optional[dict] = None) -> torch.Tensor:
        """Confidence-weighted supervised contrastive loss of the anchors.

        Args:
            feature: L2-normalised anchor embeddings (N, D).
            label: Anchor labels (N, ).
            weight_prob: Anchor confidence-branch probabilities (N, C).
            memory: Extra keys (embeddings (M, D), labels (M, ),
                probabilities (M, C)), constants; ``None`` for none.
            pairs: Receives, when given, the anchor-anchor pair weights
                (``weight``, N x N, zero diagonal) and the ``positive``
                mask, detached, for the diagnostics.
        """
        n = label.numel()
        contrast = feature.detach() if self.detach else feature
        key_label = label
        off_diag = ~torch.eye(n, dtype=torch.bool, device=label.device)
        if memory is not None:  # the keys are the anchors, then the memory
            contrast = torch.cat([contrast, memory[0]])
            key_label = torch.cat([label, memory[1]])
            off_diag = torch.cat([off_diag, off_diag.new_ones(
                n, memory[1].numel())], dim=1)
        confidence = 1 - weight_prob[:, key_label]  # [i, j] = 1 - p_i(y_j)
        transposed = confidence.T if memory is None else torch.cat(
            [confidence[:, :n].T, (1 - memory[2][:, label]).T], dim=1)
        confidence = (confidence + transposed) / 2 * off_diag
        positive = (label[:, None] == key_label[None, :]) & off_diag
        if pairs is not None:
            pairs.update(weight=confidence[:, :n].detach(),
                         positive=positive[:, :n])

        logits = feature @ contrast.T / self.temperature
        logits = logits - logits.max(dim=1, keepdim=True).values.detach()
        denominator = (torch.exp(logits) * confidence).sum(1, keepdim=True)
        log_prob = logits - torch.log(denominator + 1e-16)
        mean_log_prob_pos = (confidence * positive * log_prob).sum(1) / (
            positive.sum(1) + 1e-16)
        per_anchor = -(self.temperature / self.base_temperature) * \
            mean_log_prob_pos

        # the mean over class ids 0 .. max(label), absent ids counting as
        # 0: a sum over all C ids divided on the device (no host sync)
        num_classes = weight_prob.shape[1]
        class_sum = per_anchor.new_zeros(num_classes).index_add_(
            0, label, per_anchor)
        class_count = torch.bincount(label,
                                     minlength=num_classes).clamp(min=1)
        return (class_sum / class_count).sum() / (label.max() + 1)
