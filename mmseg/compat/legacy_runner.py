"""mmcv 1.x's ``IterBasedRunner`` / ``EpochBasedRunner`` API for 0.28 code
that drives training by hand.

The project trains with mmengine's ``Runner`` (``tools/train.py``,
``mmseg.apis.train_segmentor``); these small runners keep the 1.x calling
convention (``runner.register_hook(hook)``, ``runner.run(data_loaders,
workflow, max_iters)``, ``model.train_step(data_batch, optimizer)``) for
scripts and hooks written against it. Only the 'train' workflow is run;
the optimizer step is the caller's (an ``OptimizerHook`` in 1.x): hooks see
the ``train_step`` outputs in ``runner.outputs``.
"""
import inspect
import logging
from typing import Callable, List, Optional, Sequence, Tuple

import torch
from mmengine.dist import get_dist_info
from mmengine.hooks import Hook
from mmengine.utils import mkdir_or_exist

_PRIORITIES = {'HIGHEST': 0, 'VERY_HIGH': 10, 'HIGH': 30, 'ABOVE_NORMAL': 40,
               'NORMAL': 50, 'BELOW_NORMAL': 60, 'LOW': 70, 'VERY_LOW': 90,
               'LOWEST': 100}


class LogBuffer:
    """The 1.x ``runner.log_buffer``: ``output`` dict and ``ready`` flag."""

    def __init__(self):
        self.output = {}
        self.ready = False

    def clear(self) -> None:
        self.output.clear()
        self.ready = False


class BaseRunner:
    """State and hook handling shared by the two runners.

    Args:
        model: The model; it needs ``train_step(data_batch, optimizer)``.
        batch_processor: Not supported (deprecated in mmcv 1.x); must be
            None.
        optimizer: Passed to ``train_step``.
        work_dir: Folder for the hooks' files (created).
        logger: Logger the hooks use (default: the 'mmseg' logger).
        meta: Free-form run information.
        max_iters: Iterations to run (or pass to :meth:`run`).
        max_epochs: Epochs to run (or pass to :meth:`run`).
    """

    def __init__(self, model: torch.nn.Module,
                 batch_processor: Optional[Callable] = None,
                 optimizer=None, work_dir: Optional[str] = None,
                 logger: Optional[logging.Logger] = None,
                 meta: Optional[dict] = None,
                 max_iters: Optional[int] = None,
                 max_epochs: Optional[int] = None):
        if batch_processor is not None:
            raise ValueError(f'{type(self).__name__}: batch_processor is not '
                             'supported; give the model a train_step method')
        if not hasattr(model, 'train_step'):
            raise TypeError(f'{type(self).__name__}: the model needs a '
                            'train_step(data_batch, optimizer) method')
        self.model = model
        self.optimizer = optimizer
        self.work_dir = work_dir
        if work_dir is not None:
            mkdir_or_exist(work_dir)
        self.logger = logger or logging.getLogger('mmseg')
        self.meta = meta
        self.rank, self.world_size = get_dist_info()
        self.log_buffer = LogBuffer()
        self.mode = None
        self.outputs = None
        self.data_loader = None
        self._hooks: List[Tuple[int, Hook]] = []
        self._iter = 0
        self._epoch = 0
        self._inner_iter = 0
        self._max_iters = max_iters
        self._max_epochs = max_epochs

    @property
    def hooks(self) -> List[Hook]:
        """The registered hooks, by priority."""
        return [hook for _, hook in self._hooks]

    @property
    def iter(self) -> int:
        return self._iter

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def inner_iter(self) -> int:
        return self._inner_iter

    @property
    def max_iters(self) -> Optional[int]:
        return self._max_iters

    @property
    def max_epochs(self) -> Optional[int]:
        return self._max_epochs

    def register_hook(self, hook: Hook, priority='NORMAL') -> None:
        """Add ``hook``; lower priority values run first (as in 1.x).

        Args:
            hook: The hook.
            priority: A name ('HIGH', 'NORMAL', ...) or a number; a hook's
                own ``priority`` attribute wins over the default.
        """
        priority = getattr(hook, 'priority', priority)
        if isinstance(priority, str):
            priority = _PRIORITIES[priority.upper()]
        position = len(self._hooks)
        for i, (other, _) in enumerate(self._hooks):
            if priority < other:
                position = i
                break
        self._hooks.insert(position, (priority, hook))

    def call_hook(self, fn_name: str, **kwargs) -> None:
        """Call ``fn_name`` of every hook, with ``runner`` and those of
        ``kwargs`` (mmengine's ``batch_idx``, ``data_batch``, ``outputs``)
        that it takes, so 1.x hooks (``after_train_iter(runner)``) and
        mmengine hooks both work."""
        for hook in self.hooks:
            method = getattr(hook, fn_name, None)
            if method is None:
                continue
            params = inspect.signature(method).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
            method(self, **{k: v for k, v in kwargs.items()
                            if takes_any or k in params})

    def _train_iter(self, data_batch, batch_idx: int) -> None:
        self.call_hook('before_train_iter', batch_idx=batch_idx,
                       data_batch=data_batch)
        self.outputs = self.model.train_step(data_batch, self.optimizer)
        self.call_hook('after_train_iter', batch_idx=batch_idx,
                       data_batch=data_batch, outputs=self.outputs)
        self._inner_iter += 1
        self._iter += 1

    @staticmethod
    def _check_workflow(data_loaders: Sequence, workflow: Sequence) -> None:
        if len(data_loaders) != len(workflow):
            raise ValueError('run: one data loader per workflow entry is '
                             f'needed, got {len(data_loaders)} for '
                             f'{len(workflow)}')
        for mode, _ in workflow:
            if mode != 'train':
                raise ValueError(f"run: workflow mode {mode!r} is not "
                                 "supported; use ('train', N) and an "
                                 'EvalHook for evaluation')


class IterBasedRunner(BaseRunner):
    """1.x runner that counts iterations (loaders restart when exhausted).
    """

    def run(self, data_loaders: Sequence, workflow: Sequence[tuple],
            max_iters: Optional[int] = None, **kwargs) -> None:
        """Train for ``max_iters`` iterations.

        Args:
            data_loaders: One loader per workflow entry.
            workflow: ``[('train', n)]``: n iterations per round.
            max_iters: Total iterations (overrides the constructor's).
        """
        self._check_workflow(data_loaders, workflow)
        if max_iters is not None:
            self._max_iters = max_iters
        if self._max_iters is None:
            raise ValueError('IterBasedRunner.run needs max_iters')
        streams = [_Cycle(loader) for loader in data_loaders]
        self.call_hook('before_run')
        self.call_hook('before_train_epoch')
        self.mode = 'train'
        self.model.train()
        while self.iter < self._max_iters:
            for stream, (_, iters) in zip(streams, workflow):
                self.data_loader = stream.loader
                for _ in range(iters):
                    if self.iter >= self._max_iters:
                        break
                    self._train_iter(next(stream), self._inner_iter)
        self.call_hook('after_train_epoch')
        self.call_hook('after_run')


class EpochBasedRunner(BaseRunner):
    """1.x runner that counts epochs (one pass of the loader each)."""

    def run(self, data_loaders: Sequence, workflow: Sequence[tuple],
            max_epochs: Optional[int] = None, **kwargs) -> None:
        """Train for ``max_epochs`` epochs.

        Args:
            data_loaders: One loader per workflow entry.
            workflow: ``[('train', n)]``: n epochs per round.
            max_epochs: Total epochs (overrides the constructor's).
        """
        self._check_workflow(data_loaders, workflow)
        if max_epochs is not None:
            self._max_epochs = max_epochs
        if self._max_epochs is None:
            raise ValueError('EpochBasedRunner.run needs max_epochs')
        self._max_iters = self._max_epochs * len(data_loaders[0])
        self.call_hook('before_run')
        while self.epoch < self._max_epochs:
            for loader, (_, epochs) in zip(data_loaders, workflow):
                for _ in range(epochs):
                    if self.epoch >= self._max_epochs:
                        break
                    self._train_epoch(loader)
        self.call_hook('after_run')

    def _train_epoch(self, loader) -> None:
        self.mode = 'train'
        self.model.train()
        self.data_loader = loader
        self.call_hook('before_train_epoch')
        self._inner_iter = 0
        for batch_idx, data_batch in enumerate(loader):
            self._train_iter(data_batch, batch_idx)
        self.call_hook('after_train_epoch')
        self._epoch += 1


class _Cycle:
    """Endless iterator over a loader (a new pass when one ends)."""

    def __init__(self, loader):
        self.loader = loader
        self._it = iter(loader)

    def __next__(self):
        try:
            return next(self._it)
        except StopIteration:
            self._it = iter(self.loader)
            return next(self._it)


RUNNERS = {'IterBasedRunner': IterBasedRunner,
           'EpochBasedRunner': EpochBasedRunner}


def build_runner(cfg: dict, default_args: Optional[dict] = None
                 ) -> BaseRunner:
    """1.x ``build_runner``: ``cfg['type']`` is 'IterBasedRunner' or
    'EpochBasedRunner'; the other keys and ``default_args`` (``model``,
    ``optimizer``, ``work_dir``, ``logger``, ``meta``) are its arguments.

    Returns:
        The runner.
    """
    args = dict(default_args or {})
    args.update(cfg)
    kind = args.pop('type', None)
    if kind not in RUNNERS:
        raise KeyError(f'build_runner: unknown runner type {kind!r}; '
                       f'choose from {sorted(RUNNERS)} (or train with '
                       'tools/train.py)')
    return RUNNERS[kind](**args)
