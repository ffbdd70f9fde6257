"""Dataset and data loader builders with the MMSegmentation 0.28 API."""
import copy
import random
from functools import partial
from typing import List, Optional

import numpy as np
import torch
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.registry import build_from_cfg
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from mmseg.registry import DATASETS, TRANSFORMS, check_type

from .collate import seg_collate
from .dataset_wrappers import (
    ConcatDataset,
    MultiImageMixDataset,
    RepeatDataset,
)

PIPELINES = TRANSFORMS

_PER_DATASET_KEYS = ('img_dir', 'ann_dir', 'split')
# wrappers whose ``dataset`` argument may itself be a 0.28 dataset config
_WRAPPERS = ('RepeatDataset', 'MultiImageMixDataset', 'SeededDataset',
             'mmseg.SeededDataset')


def _is_seq(value) -> bool:
    return isinstance(value, (list, tuple))


def _split_per_dataset(cfg: dict) -> List[dict]:
    """One config per entry of the list-valued ``img_dir`` / ``ann_dir`` /
    ``split``; scalar values are shared by all of them."""
    lengths = {key: len(cfg[key]) for key in _PER_DATASET_KEYS
               if _is_seq(cfg.get(key))}
    if len(set(lengths.values())) != 1:
        raise ValueError(f'list-valued {sorted(lengths)} must have equal '
                         f'lengths, got {lengths}')
    parts = []
    for i in range(next(iter(lengths.values()))):
        part = copy.deepcopy(cfg)
        for key in lengths:
            part[key] = cfg[key][i]
        parts.append(part)
    return parts


def expand_dataset_cfg(cfg) -> dict:
    """Rewrite 0.28's dataset shorthand as explicit wrapper configs.

    A list of configs becomes ``ConcatDataset(datasets=[...])``,
    list-valued ``img_dir`` / ``ann_dir`` / ``split`` become a
    ``ConcatDataset`` of one config per entry (``separate_eval`` goes to
    the wrapper), and the ``dataset`` of ``RepeatDataset``,
    ``MultiImageMixDataset`` and ``SeededDataset`` is expanded in turn. So
    ``DATASETS.build`` of the result builds what 0.28's ``build_dataset``
    built from ``cfg``. Pure: ``cfg`` is not changed.

    Args:
        cfg: A dataset config or a list of them.

    Returns:
        The expanded config.
    """
    if _is_seq(cfg):
        return dict(type='ConcatDataset',
                    datasets=[expand_dataset_cfg(c) for c in cfg])
    cfg = copy.deepcopy(dict(cfg))
    if cfg.get('type') in _WRAPPERS and isinstance(cfg.get('dataset'),
                                                   (dict, list, tuple)):
        cfg['dataset'] = expand_dataset_cfg(cfg['dataset'])
    elif cfg.get('type') == 'ConcatDataset' and 'datasets' in cfg:
        cfg['datasets'] = [
            expand_dataset_cfg(c) if isinstance(c, dict) else c
            for c in cfg['datasets']
        ]
    elif any(_is_seq(cfg.get(key)) for key in _PER_DATASET_KEYS):
        separate_eval = cfg.pop('separate_eval', True)
        return dict(type='ConcatDataset', datasets=_split_per_dataset(cfg),
                    separate_eval=separate_eval)
    return cfg


def build_dataset(cfg, default_args: Optional[dict] = None) -> Dataset:
    """Build a dataset from a config (0.28 semantics).

    A list of configs gives a ``ConcatDataset``, ``type='RepeatDataset'``
    repeats ``cfg['dataset']`` ``cfg['times']`` times, list-valued
    ``img_dir`` / ``ann_dir`` / ``split`` give a ``ConcatDataset`` of one
    dataset per entry, and ``MultiImageMixDataset`` builds its ``dataset``
    config.

    Args:
        cfg: Dataset config(s).
        default_args: Defaults merged into every dataset config.

    Returns:
        The dataset.
    """
    if _is_seq(cfg):
        return ConcatDataset([build_dataset(c, default_args) for c in cfg])
    if cfg['type'] == 'RepeatDataset':
        return RepeatDataset(build_dataset(cfg['dataset'], default_args),
                             cfg['times'])
    if cfg['type'] == 'MultiImageMixDataset':
        cfg = copy.deepcopy(dict(cfg))
        cfg.pop('type')
        return MultiImageMixDataset(
            build_dataset(cfg.pop('dataset'), default_args), **cfg)
    if any(_is_seq(cfg.get(key)) for key in _PER_DATASET_KEYS):
        cfg = copy.deepcopy(dict(cfg))
        separate_eval = cfg.pop('separate_eval', True)
        return ConcatDataset([build_dataset(part, default_args)
                              for part in _split_per_dataset(cfg)],
                             separate_eval)
    check_type(cfg, DATASETS)
    return build_from_cfg(cfg, DATASETS, default_args)


def worker_init_fn(worker_id: int, num_workers: int, rank: int,
                   seed: int) -> None:
    """Seed numpy, random and torch of a loader worker with
    ``seed + worker_id + rank * num_workers``, distinct over all workers."""
    worker_seed = num_workers * rank + worker_id + seed
    np.random.seed(worker_seed)
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)


def build_dataloader(dataset: Dataset,
                     samples_per_gpu: int,
                     workers_per_gpu: int,
                     num_gpus: int = 1,
                     dist: bool = True,
                     shuffle: bool = True,
                     seed: Optional[int] = None,
                     drop_last: bool = False,
                     pin_memory: bool = True,
                     persistent_workers: bool = True,
                     **kwargs) -> DataLoader:
    """A torch ``DataLoader`` batching with ``seg_collate``.

    Distributed: each process loads ``samples_per_gpu`` samples with
    ``workers_per_gpu`` workers from its shard (``DistributedSampler``
    shuffled with ``seed``, the same on every rank). Otherwise one loader
    serves ``num_gpus`` GPUs.

    Args:
        dataset: The dataset.
        samples_per_gpu: Batch size per GPU.
        workers_per_gpu: Loader processes per GPU.
        num_gpus: GPUs served by a non-distributed loader.
        dist: Shard the dataset over the ranks.
        shuffle: Reshuffle every epoch.
        seed: Base seed of the sampler and of the workers.
        drop_last: Drop the last incomplete batch.
        pin_memory: Pin batches in page-locked memory.
        persistent_workers: Keep workers alive between epochs (only with
            workers).
        **kwargs: More ``DataLoader`` arguments.

    Returns:
        The data loader.
    """
    rank, world_size = get_dist_info()
    if dist:
        sampler_seed = sync_random_seed() if seed is None else seed
        sampler = DistributedSampler(dataset, num_replicas=world_size,
                                     rank=rank, shuffle=shuffle,
                                     seed=sampler_seed)
        shuffle = False  # the sampler shuffles
        batch_size = samples_per_gpu
        num_workers = workers_per_gpu
    else:
        sampler = None
        batch_size = num_gpus * samples_per_gpu
        num_workers = num_gpus * workers_per_gpu
    init_fn = None if seed is None else partial(
        worker_init_fn, num_workers=num_workers, rank=rank, seed=seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        num_workers=num_workers,
        collate_fn=seg_collate,
        pin_memory=pin_memory,
        shuffle=shuffle,
        worker_init_fn=init_fn,
        drop_last=drop_last,
        # torch refuses persistent workers without workers
        persistent_workers=persistent_workers and num_workers > 0,
        **kwargs)
