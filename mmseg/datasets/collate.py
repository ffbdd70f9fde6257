"""Batching of pipeline outputs into the segmentors' keyword arguments."""
from typing import List, Sequence

import torch
import torch.nn.functional as F

from mmseg.registry import FUNCTIONS

IMG_PAD_VALUE = 0
SEG_PAD_VALUE = 255  # the ignore index


def _stack_padded(tensors: List[torch.Tensor], pad_value: float,
                  key: str) -> torch.Tensor:
    """Stack tensors, padding the last two dims at the bottom/right to the
    largest height and width."""
    for tensor in tensors:
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(
                f"seg_collate: '{key}' is a {type(tensor).__name__}, not a "
                'tensor; end the pipeline with DefaultFormatBundle or '
                'ImageToTensor')
    if len({t.shape[:-2] for t in tensors}) > 1:
        raise ValueError(f"seg_collate: '{key}' tensors differ in more than "
                         f'height/width: {[tuple(t.shape) for t in tensors]}')
    height = max(t.shape[-2] for t in tensors)
    width = max(t.shape[-1] for t in tensors)
    padded = [
        F.pad(t, (0, width - t.shape[-1], 0, height - t.shape[-2]),
              value=pad_value) if t.shape[-2:] != (height, width) else t
        for t in tensors
    ]
    return torch.stack(padded)


def _is_test_sample(sample: dict) -> bool:
    return isinstance(sample.get('img'), (list, tuple))


def _collate_train(batch: Sequence[dict], key: str):
    values = [sample[key] for sample in batch]
    if key == 'img':
        return _stack_padded(values, IMG_PAD_VALUE, key)
    if key == 'gt_semantic_seg':
        return _stack_padded(values, SEG_PAD_VALUE, key)
    return values


def _collate_test(batch: Sequence[dict], key: str):
    views = [sample[key] for sample in batch]
    if key == 'img':
        return [_stack_padded(list(view), IMG_PAD_VALUE, key)
                for view in zip(*views)]
    if key == 'img_metas':
        return [list(view) for view in zip(*views)]
    return views


def _check_same_layout(batch: Sequence[dict]) -> None:
    keys = set(batch[0])
    test = _is_test_sample(batch[0])
    num_views = len(batch[0]['img']) if test else None
    for idx, sample in enumerate(batch):
        if _is_test_sample(sample) != test:
            raise ValueError('seg_collate: a batch mixes training samples '
                             '(one img tensor) and test samples (a list of '
                             'views); use one pipeline per data loader')
        if set(sample) != keys:
            raise ValueError(f'seg_collate: sample {idx} has keys '
                             f'{sorted(sample)}, sample 0 has {sorted(keys)}')
        if test and len(sample['img']) != num_views:
            raise ValueError(
                f"seg_collate: sample {idx} has {len(sample['img'])} "
                f'augmented views, sample 0 has {num_views}; use the same '
                'MultiScaleFlipAug settings for the whole batch')


@FUNCTIONS.register_module()
def seg_collate(batch: Sequence[dict]) -> dict:
    """Collate pipeline outputs into a batch.

    Training samples give ``img`` (B, C, H, W) and ``gt_semantic_seg``
    (B, 1, H, W), padded at the bottom/right with 0 and 255 to the largest
    size, and ``img_metas`` a list of B dicts. Test samples (``img`` a list
    of views) give ``img`` a list over views of (B, C, H, W) tensors and
    ``img_metas`` a list over views of lists of B dicts. ``sample_idx``
    becomes a list of ints; any other key a list of the samples' values.

    Args:
        batch: Samples from the dataset.

    Returns:
        The keyword arguments of the segmentor.
    """
    if not batch:
        raise ValueError('seg_collate: got an empty batch')
    _check_same_layout(batch)
    collate = _collate_test if _is_test_sample(batch[0]) else _collate_train
    out = {key: collate(batch, key) for key in batch[0]}
    if 'sample_idx' in out:
        out['sample_idx'] = [int(idx) for idx in out['sample_idx']]
    return out
