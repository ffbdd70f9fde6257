"""Per-class memory of CAC anchors, shared by all ranks.

For every class the memory is a FIFO of the last ``size`` anchors of that
class: their L2-normalised projections and their confidence-branch
probabilities (all classes). After each training step the step's anchors of
**all** ranks are gathered (in rank order) and appended; when a class's FIFO
is full its oldest entries are replaced. Every rank appends the same entries
in the same order, so the memory is identical on every rank.

The tensors are plain attributes, not module buffers: the model's
``state_dict`` stays that of the memory-less model, DDP never broadcasts
them and buffer hooks never average them. ``CACMemoryStateHook`` saves them
in checkpoints and restores them on resume (see ``docs/cac_memory.md``).
"""
from typing import Dict, Optional, Tuple

import torch
import torch.distributed as dist

_STATE_KEYS = ('feature', 'prob', 'count', 'pointer')


def _world_size() -> int:
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


def gather_anchors(feature: torch.Tensor, label: torch.Tensor,
                   prob: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """All ranks' anchors, concatenated in rank order.

    Ranks may hold different numbers of anchors (even none): the sets are
    padded to the largest one and the padding is dropped after gathering.

    Args:
        feature: Anchor embeddings (N, D); D may be 0 when N is 0.
        label: Anchor labels (N, ).
        prob: Confidence-branch probabilities (N, C).

    Returns:
        The gathered ``feature``, ``label`` and ``prob``.
    """
    world_size = _world_size()
    if world_size == 1:
        return feature, label, prob
    device = label.device
    sizes = torch.tensor([label.numel(), feature.shape[1]], device=device)
    all_sizes = [torch.empty_like(sizes) for _ in range(world_size)]
    dist.all_gather(all_sizes, sizes)
    counts = [int(s[0]) for s in all_sizes]
    longest, dim = max(counts), max(int(s[1]) for s in all_sizes)
    num_classes = prob.shape[1]
    packed = feature.new_zeros(longest, dim + num_classes + 1)
    n = label.numel()
    if n:
        packed[:n, :dim] = feature
        packed[:n, dim:-1] = prob
        packed[:n, -1] = label.to(packed.dtype)
    gathered = [torch.empty_like(packed) for _ in range(world_size)]
    dist.all_gather(gathered, packed.contiguous())
    rows = torch.cat([g[:c] for g, c in zip(gathered, counts)])
    return rows[:, :dim], rows[:, -1].long(), rows[:, dim:-1]


class CACMemory:
    """Per-class FIFOs of anchor embeddings and their probabilities.

    Args:
        size: Entries per class.

    The storage is allocated at the first :meth:`enqueue` (the embedding
    size and the number of classes are known only then) and moves to the
    device of the anchors it is used with.
    """

    def __init__(self, size: int):
        if size <= 0:
            raise ValueError(f'memory size must be positive, got {size}')
        self.size = size
        self.feature: Optional[torch.Tensor] = None  # (C, size, D)
        self.prob: Optional[torch.Tensor] = None  # (C, size, C)
        self.count: Optional[torch.Tensor] = None  # (C, ) valid entries
        self.pointer: Optional[torch.Tensor] = None  # (C, ) next slot

    def _allocate(self, num_classes: int, dim: int,
                  device: torch.device) -> None:
        self.feature = torch.zeros(num_classes, self.size, dim,
                                   device=device)
        self.prob = torch.zeros(num_classes, self.size, num_classes,
                                device=device)
        self.count = torch.zeros(num_classes, dtype=torch.long,
                                 device=device)
        self.pointer = torch.zeros_like(self.count)

    def _to(self, device: torch.device) -> None:
        if self.feature is not None and self.feature.device != device:
            for key in _STATE_KEYS:
                setattr(self, key, getattr(self, key).to(device))

    @torch.no_grad()
    def enqueue(self, feature: torch.Tensor, label: torch.Tensor,
                prob: torch.Tensor) -> None:
        """Append the anchors of every rank (a collective call).

        Anchors with a non-finite embedding or probability are left out.

        Args:
            feature: This rank's L2-normalised embeddings (N, D).
            label: Their labels (N, ), in ``0 .. C - 1``.
            prob: Their confidence-branch probabilities (N, C).
        """
        feature, label, prob = gather_anchors(feature.detach().float(),
                                              label, prob.detach().float())
        # a non-finite step (skipped by ``nonfinite_loss='skip'``) must not
        # poison the memory for the steps after it
        finite = torch.isfinite(feature).all(1) & torch.isfinite(prob).all(1)
        if not bool(finite.all()):
            feature, label, prob = feature[finite], label[finite], prob[finite]
        if label.numel() == 0:
            return
        num_classes, dim = prob.shape[1], feature.shape[1]
        if self.feature is None:
            self._allocate(num_classes, dim, feature.device)
        elif self.feature.shape[2] != dim or self.prob.shape[2] != \
                num_classes:
            raise ValueError(
                f'CAC memory holds {self.feature.shape[2]}-d embeddings of '
                f'{self.prob.shape[2]} classes, got {dim}-d of {num_classes}'
                '; the memory_size model cannot change its head')
        self._to(feature.device)
        # rank of each anchor among the step's anchors of its class
        order = torch.argsort(label, stable=True)
        step_count = torch.bincount(label, minlength=num_classes)
        starts = torch.cumsum(step_count, 0) - step_count
        rank = torch.empty_like(label)
        rank[order] = torch.arange(label.numel(), device=label.device) - \
            starts[label[order]]
        # only the newest ``size`` of a class survive this step
        kept = rank >= step_count[label] - self.size
        cls, rank = label[kept], rank[kept]
        slot = (self.pointer[cls] + rank) % self.size
        self.feature[cls, slot] = feature[kept]
        self.prob[cls, slot] = prob[kept]
        self.pointer = (self.pointer + step_count) % self.size
        self.count = (self.count + step_count).clamp(max=self.size)

    def entries(self, device: torch.device
                ) -> Optional[Tuple[torch.Tensor, ...]]:
        """The valid entries: embeddings (M, D), labels (M, ), probs (M, C).

        Returns ``None`` while the memory is empty.
        """
        if self.feature is None or int(self.count.sum()) == 0:
            return None
        self._to(device)
        valid = torch.arange(self.size, device=device)[None] < \
            self.count[:, None]
        cls = torch.arange(self.count.numel(), device=device)[:, None]
        return (self.feature[valid], cls.expand_as(valid)[valid],
                self.prob[valid])

    def state(self) -> Dict[str, torch.Tensor]:
        """Plain tensors for a checkpoint (empty while never filled)."""
        if self.feature is None:
            return {}
        return {key: getattr(self, key).cpu() for key in _STATE_KEYS}

    def load_state(self, state: Dict[str, torch.Tensor]) -> None:
        """Restore what :meth:`state` returned (``{}`` empties)."""
        if not state:
            self.feature = self.prob = self.count = self.pointer = None
            return
        if state['feature'].shape[1] != self.size:
            raise ValueError(
                f'checkpoint CAC memory has {state["feature"].shape[1]} '
                f'entries per class, the model {self.size}; resume with '
                'the memory_size it was trained with')
        for key in _STATE_KEYS:
            setattr(self, key, state[key].clone())
