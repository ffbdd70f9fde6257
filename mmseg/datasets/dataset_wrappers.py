"""Concatenated, repeated and mixed datasets (MMSegmentation 0.28 API)."""
import bisect
import copy
from itertools import chain
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.logging import print_log
from torch.utils.data import ConcatDataset as TorchConcatDataset
from torch.utils.data import Dataset

from mmseg.registry import DATASETS, TRANSFORMS
from mmseg.utils.errors import InvalidArgumentError


def _built(dataset):
    """A dataset, built with ``DATASETS`` when given as a config (one that
    :func:`~mmseg.datasets.builder.expand_dataset_cfg` has expanded)."""
    return DATASETS.build(dataset) if isinstance(dataset, dict) else dataset


@DATASETS.register_module()
class ConcatDataset(TorchConcatDataset):
    """Datasets one after another, evaluated together or separately.

    ``sample_idx`` of an item is its index in the concatenation, which is
    what :meth:`pre_eval` and :meth:`format_results` expect.

    Args:
        datasets: The datasets (or their configs); ``CLASSES`` and
            ``PALETTE`` are the first's.
        separate_eval: Evaluate each dataset on its own (keys get a
            ``'<dataset index>_'`` prefix) instead of all together.
    """

    def __init__(self, datasets: Sequence[Dataset],
                 separate_eval: bool = True):
        datasets = [_built(dataset) for dataset in datasets]
        super().__init__(datasets)
        if not isinstance(separate_eval, bool):
            raise TypeError(f'separate_eval must be True or False, got '
                            f'{separate_eval!r}')
        self.CLASSES = datasets[0].CLASSES
        self.PALETTE = datasets[0].PALETTE
        self.separate_eval = separate_eval

    def __getitem__(self, idx: int) -> dict:
        dataset_idx, sample_idx = self.get_dataset_idx_and_sample_idx(idx)
        results = self.datasets[dataset_idx][sample_idx]
        if isinstance(results, dict):
            results['sample_idx'] = idx if idx >= 0 else len(self) + idx
        return results

    def get_dataset_idx_and_sample_idx(self, indice: int) -> Tuple[int, int]:
        """Which dataset holds item ``indice``, and its index there."""
        if indice < 0:
            if -indice > len(self):
                raise ValueError('absolute value of index should not exceed '
                                 'dataset length')
            indice += len(self)
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, indice)
        start = self.cumulative_sizes[dataset_idx - 1] if dataset_idx else 0
        return dataset_idx, indice - start

    def evaluate(self, results: list, logger=None, **kwargs) -> Dict:
        """Evaluate ``results`` (in concatenated order).

        Args:
            results: ``pre_eval`` area tuples or label maps.
            logger: Where tables are printed.
            **kwargs: Passed to the datasets' ``evaluate``.

        Returns:
            The metrics, keys prefixed by the dataset index with
            ``separate_eval``.
        """
        if len(results) != len(self):
            raise ValueError(f'Dataset and results have different sizes: '
                             f'{len(self)} v.s. {len(results)}')
        for dataset in self.datasets:
            if not hasattr(dataset, 'evaluate'):
                raise TypeError(f'{type(dataset)} does not implement '
                                'evaluate')
        if self.separate_eval:
            metrics = {}
            starts = [0] + self.cumulative_sizes[:-1]
            for i, (dataset, start, end) in enumerate(
                    zip(self.datasets, starts, self.cumulative_sizes)):
                print_log(f'Evaluating dataset {i} ({dataset.img_dir}, '
                          f'{end - start} images)', logger=logger)
                part = dataset.evaluate(results[start:end], logger=logger,
                                        **kwargs)
                metrics.update({f'{i}_{k}': v for k, v in part.items()})
            return metrics

        if len({type(dataset) for dataset in self.datasets}) != 1:
            raise NotImplementedError(
                'All the datasets should have same types when '
                'separate_eval=False')
        gt_seg_maps = None
        if all(isinstance(r, (np.ndarray, torch.Tensor, str))
               for r in results):
            gt_seg_maps = chain.from_iterable(
                dataset.get_gt_seg_maps() for dataset in self.datasets)
        return self.datasets[0].evaluate(results, gt_seg_maps=gt_seg_maps,
                                         logger=logger, **kwargs)

    def format_results(self, results: list, imgfile_prefix: str,
                       indices=None, **kwargs) -> List[str]:
        """Format each result with its dataset, into
        ``<imgfile_prefix>/<dataset index>``."""
        if indices is None:
            indices = list(range(len(self)))
        files = []
        for result, index in zip(results, indices):
            dataset_idx, sample_idx = self.get_dataset_idx_and_sample_idx(
                index)
            files += self.datasets[dataset_idx].format_results(
                [result], f'{imgfile_prefix}/{dataset_idx}',
                indices=[sample_idx], **kwargs)
        return files

    def show_prediction(self, index: int, pred: np.ndarray, out_dir: str,
                        opacity: float = 0.5) -> str:
        """Overlay of item ``index``, into ``<out_dir>/<dataset index>``."""
        dataset_idx, sample_idx = self.get_dataset_idx_and_sample_idx(index)
        return self.datasets[dataset_idx].show_prediction(
            sample_idx, pred, f'{out_dir}/{dataset_idx}', opacity=opacity)

    def pre_eval(self, preds, indices) -> list:
        """``pre_eval`` of each prediction by its dataset."""
        if not isinstance(indices, list):
            indices = [indices]
        if not isinstance(preds, list):
            preds = [preds]
        areas = []
        for pred, index in zip(preds, indices):
            dataset_idx, sample_idx = self.get_dataset_idx_and_sample_idx(
                index)
            areas += self.datasets[dataset_idx].pre_eval(pred, sample_idx)
        return areas


@DATASETS.register_module()
class RepeatDataset:
    """``dataset`` repeated ``times`` times (fewer epoch restarts).

    Args:
        dataset: The dataset to repeat (or its config).
        times: Number of repeats.
    """

    def __init__(self, dataset: Dataset, times: int):
        dataset = _built(dataset)
        self.dataset = dataset
        self.times = times
        self.CLASSES = dataset.CLASSES
        self.PALETTE = dataset.PALETTE
        self._ori_len = len(dataset)

    def __getitem__(self, idx: int) -> dict:
        results = self.dataset[idx % self._ori_len]
        if isinstance(results, dict):
            results['sample_idx'] = idx
        return results

    def __len__(self) -> int:
        return self.times * self._ori_len


@DATASETS.register_module()
class MultiImageMixDataset:
    """Run a pipeline that mixes several samples (e.g. ``RandomMosaic``).

    A transform with a ``get_indexes(dataset)`` method receives the samples
    at those indexes as ``results['mix_results']`` (removed afterwards).

    Args:
        dataset: The dataset whose samples are mixed (or its config); its own
            pipeline runs first.
        pipeline: Transform configs run on every sample.
        skip_type_keys: Transform types to skip (e.g. in the last epochs).
    """

    def __init__(self, dataset: Dataset, pipeline: Sequence[dict],
                 skip_type_keys: Optional[Sequence[str]] = None):
        if not isinstance(pipeline, Sequence) or isinstance(pipeline, str):
            raise TypeError('MultiImageMixDataset: pipeline must be a list '
                            f'of transform dicts, got {pipeline!r}')
        self.pipeline = []
        self.pipeline_types = []
        for transform in pipeline:
            if not isinstance(transform, dict):
                raise TypeError('MultiImageMixDataset: each pipeline step '
                                f'must be a dict, got {transform!r}')
            self.pipeline_types.append(transform['type'])
            self.pipeline.append(TRANSFORMS.build(transform))
        self.update_skip_type_keys(skip_type_keys)
        dataset = _built(dataset)
        self.dataset = dataset
        self.CLASSES = dataset.CLASSES
        self.PALETTE = dataset.PALETTE
        self.num_samples = len(dataset)

    def __len__(self) -> int:
        return self.num_samples

    def __getitem__(self, idx: int) -> dict:
        results = copy.deepcopy(self.dataset[idx])
        for transform, kind in zip(self.pipeline, self.pipeline_types):
            if kind in self._skip_type_keys:
                continue
            if hasattr(transform, 'get_indexes'):
                results['mix_results'] = [
                    copy.deepcopy(self.dataset[i])
                    for i in transform.get_indexes(self.dataset)
                ]
            results = transform(results)
            results.pop('mix_results', None)
        return results

    def update_skip_type_keys(
            self, skip_type_keys: Optional[Sequence[str]]) -> None:
        """Set the transform types to skip from now on.

        Args:
            skip_type_keys: Type names (one name may be a plain string).
        """
        if skip_type_keys is None:
            skip_type_keys = ()
        elif isinstance(skip_type_keys, str):
            skip_type_keys = (skip_type_keys, )
        if not all(isinstance(k, str) for k in skip_type_keys):
            raise InvalidArgumentError(
                'MultiImageMixDataset: skip_type_keys must be transform type '
                f'names, got {skip_type_keys!r}')
        self._skip_type_keys = tuple(skip_type_keys)
