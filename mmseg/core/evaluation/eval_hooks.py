"""0.28's ``EvalHook`` / ``DistEvalHook``: evaluate during training.

They run on this project's mmengine runner (``custom_hooks``) and on the
mmcv 1.x-style runners of ``mmcv.runner`` (``mmseg/compat/legacy_runner``).
With the mmengine runner the validation loop with ``DatasetMetric``
(``evaluation = dict(interval=...)``) is the usual way; these hooks are for
0.28 code that registers them itself.
"""
import os.path as osp
import warnings
from typing import Optional

from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from torch.utils.data import DataLoader

from mmseg.registry import HOOKS

from .test_loops import multi_gpu_test, single_gpu_test


@HOOKS.register_module()
class EvalHook(Hook):
    """Evaluate ``dataloader``'s dataset every ``interval`` iterations (or
    epochs) with ``single_gpu_test`` and ``dataset.evaluate``.

    Args:
        dataloader: Loader of the evaluation dataset.
        start: First iteration/epoch to evaluate at (then every
            ``interval``); None: ``interval``, ``2 * interval``, ...
        interval: Evaluation period.
        by_epoch: Count epochs instead of iterations.
        efficient_test: Deprecated in 0.28; ignored with a warning.
        pre_eval: Evaluate from per-image statistics (less memory).
        **eval_kwargs: Passed to ``dataset.evaluate`` (e.g. ``metric``).
    """

    priority = 'LOW'

    def __init__(self, dataloader: DataLoader, start: Optional[int] = None,
                 interval: int = 1, by_epoch: bool = False,
                 efficient_test: bool = False, pre_eval: bool = False,
                 **eval_kwargs):
        if not isinstance(dataloader, DataLoader):
            raise TypeError(f'{type(self).__name__}: dataloader must be a '
                            f'torch DataLoader, got {type(dataloader)}')
        if interval <= 0:
            raise ValueError(f'{type(self).__name__}: interval must be '
                             f'positive, got {interval}')
        if efficient_test:
            warnings.warn('efficient_test is deprecated (as in 0.28) and '
                          'ignored; use pre_eval=True to save memory')
        for key in ('save_best', 'rule'):
            if eval_kwargs.pop(key, None) is not None:
                raise ValueError(f'{type(self).__name__}: {key} is not '
                                 'supported; use the checkpoint hook\'s '
                                 'save_best with the validation loop')
        self.dataloader = dataloader
        self.start = start
        self.interval = interval
        self.by_epoch = by_epoch
        self.pre_eval = pre_eval
        self.eval_kwargs = eval_kwargs
        self.latest_results = None

    def _due(self, progress: int) -> bool:
        """Whether to evaluate after ``progress`` (1-based) iters/epochs."""
        if self.start is None:
            return progress % self.interval == 0
        return progress >= self.start and \
            (progress - self.start) % self.interval == 0

    def after_train_iter(self, runner, batch_idx: Optional[int] = None,
                         data_batch=None, outputs=None) -> None:
        if not self.by_epoch and self._due(runner.iter + 1):
            self._do_evaluate(runner)

    def after_train_epoch(self, runner) -> None:
        if self.by_epoch and self._due(runner.epoch + 1):
            self._do_evaluate(runner)

    def _test(self, runner) -> Optional[list]:
        return single_gpu_test(runner.model, self.dataloader,
                               pre_eval=self.pre_eval)

    def _do_evaluate(self, runner) -> None:
        results = self._test(runner)
        if results is None:  # not rank 0
            return
        metrics = self.dataloader.dataset.evaluate(
            results, logger=runner.logger, **self.eval_kwargs)
        self.latest_results = metrics
        _record(runner, metrics)


@HOOKS.register_module()
class DistEvalHook(EvalHook):
    """``EvalHook`` for distributed training: every rank tests its part
    (``multi_gpu_test``), rank 0 evaluates.

    Args:
        tmpdir: Folder for gathering the results (default: a folder under
            the runner's ``work_dir``).
        gpu_collect: Gather through GPU collectives.
        **kwargs: ``EvalHook`` arguments.
    """

    def __init__(self, *args, tmpdir: Optional[str] = None,
                 gpu_collect: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.tmpdir = tmpdir
        self.gpu_collect = gpu_collect

    def _test(self, runner) -> Optional[list]:
        tmpdir = self.tmpdir or osp.join(runner.work_dir, '.eval_hook')
        results = multi_gpu_test(
            runner.model, self.dataloader, tmpdir=tmpdir,
            gpu_collect=self.gpu_collect, pre_eval=self.pre_eval)
        return results if get_dist_info()[0] == 0 else None


def _record(runner, metrics: dict) -> None:
    """Put the metrics where the runner logs them."""
    log_buffer = getattr(runner, 'log_buffer', None)
    if log_buffer is not None:  # mmcv 1.x-style runner
        log_buffer.output.update(metrics)
        log_buffer.ready = True
        return
    for name, value in metrics.items():
        if isinstance(value, (int, float)):
            runner.message_hub.update_scalar(f'val/{name}', value)
