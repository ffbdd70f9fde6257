"""A training sampler that can resume mid-stream, with per-sample seeds.

``ResumableInfiniteSampler`` yields an endless stream of shuffled indices,
split across ranks. Each item is ``(index, sample_seed)``: the seed depends
only on the run's seed and the item's position in the stream, and
``SeededDataset`` seeds numpy/random with it before the pipeline runs. So
augmentations do not depend on the number of workers, and a resumed run
(``skip``) sees exactly the samples and augmentations an uninterrupted one
would, without loading the skipped batches.
"""
import itertools
import random
import signal
from typing import Iterator, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.dataset import worker_init_fn as seed_worker
from mmengine.dist import get_dist_info, get_rank, sync_random_seed
from torch.utils.data import Dataset, Sampler

from mmseg.registry import DATA_SAMPLERS, DATASETS, FUNCTIONS
from mmseg.utils.errors import STOP_SIGNALS

from .builder import build_dataset


def sample_seed(run_seed: int, position: int) -> int:
    """A well-mixed 32-bit seed for stream position ``position``."""
    return int(np.random.SeedSequence([run_seed, position]).generate_state(
        1)[0])


@DATA_SAMPLERS.register_module()
class ResumableInfiniteSampler(Sampler):
    """Endless shuffled stream of ``(index, seed)``, resumable.

    Args:
        dataset: The dataset (only its length is used).
        shuffle: Reshuffle every pass over the data.
        seed: Run seed; None draws one shared by all ranks.
    """

    def __init__(self, dataset: Dataset, shuffle: bool = True,
                 seed: Optional[int] = None):
        self.rank, self.world_size = get_dist_info()
        self.size = len(dataset)
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.skipped = 0

    def skip(self, num_samples: int) -> None:
        """Start this rank's next iterator after ``num_samples`` items."""
        self.skipped = num_samples

    def _global_stream(self) -> Iterator[int]:
        generator = torch.Generator()
        generator.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size,
                                          generator=generator).tolist()
            else:
                yield from range(self.size)

    def __iter__(self) -> Iterator[Tuple[int, int]]:
        stream = enumerate(self._global_stream())
        mine = itertools.islice(stream, self.rank + self.skipped *
                                self.world_size, None, self.world_size)
        for position, index in mine:
            yield index, sample_seed(self.seed, position)

    def __len__(self) -> int:
        return self.size


@DATASETS.register_module()
class SeededDataset(Dataset):
    """Run ``dataset[index]`` with numpy/random seeded per sample.

    Indices may be plain ints (no seeding) or ``(index, seed)`` pairs from
    :class:`ResumableInfiniteSampler`. Other attributes are the dataset's.
    """

    def __init__(self, dataset: Union[Dataset, dict]):
        if isinstance(dataset, (dict, list)):
            dataset = build_dataset(dataset)
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, key: Union[int, Tuple[int, int]]):
        if isinstance(key, tuple):
            key, seed = key
            np.random.seed(seed)
            random.seed(seed)
        return self.dataset[key]

    def __getattr__(self, name: str):
        if name == 'dataset':  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self.dataset, name)


@FUNCTIONS.register_module()
def training_worker_init(worker_id: int, num_workers: int,
                         seed: Optional[int],
                         rank: Optional[int] = None) -> None:
    """Start of a data loader worker during training.

    Seeds it as mmengine does, and makes it ignore SIGINT and SIGTERM:
    Ctrl-C reaches the whole foreground process group, and Slurm signals
    every process of a job, but the workers must outlive the main process's
    save; it shuts them down through their queues afterwards (and a worker
    whose main process is gone exits by itself).

    Args:
        worker_id, num_workers: As the data loader gives them.
        seed: Run seed (None: no seeding).
        rank: Process rank (default: this process's).
    """
    if rank is None:
        rank = get_rank()
    if seed is not None:
        seed_worker(worker_id, num_workers, rank, seed)
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
