"""Guards for the few places that depend on mmengine beyond its hook API.

Each test fails loudly when an mmengine upgrade changes a signature or a
behaviour the toolbox relies on (see docs/internals.md, "mmengine
dependencies"). Checked against the mmengine range pinned in
requirements/runtime.txt.
"""
import inspect
from types import SimpleNamespace

import torch
from mmengine.optim import _ParamScheduler
from mmengine.runner import IterBasedTrainLoop, Runner
from torch.utils.data import DataLoader, Dataset

from mmseg.datasets.samplers import ResumableInfiniteSampler
from mmseg.engine.hooks import ResumeDataStreamHook
from mmseg.engine.schedulers import LegacyLRScheduler


class CountingDataset(Dataset):
    def __init__(self):
        self.loaded = []

    def __len__(self):
        return 8

    def __getitem__(self, key):
        index, _ = key
        self.loaded.append(index)
        return index


class StubRunner:
    """Just what ``IterBasedTrainLoop.run`` touches."""

    def __init__(self):
        self.seed = 3
        self.val_loop = None
        self.optim_wrapper = None
        self.visualizer = SimpleNamespace()
        self.trained = []
        self.hook = ResumeDataStreamHook()
        self.model = SimpleNamespace(
            train=lambda: None,
            train_step=lambda batch, optim_wrapper: self.trained.append(
                batch.tolist()))

    def call_hook(self, fn_name, **kwargs):
        if fn_name == 'before_train_epoch':
            self.hook.before_train_epoch(self)


def test_resumed_iter_based_loop_skips_trained_batches_without_loading():
    assert list(inspect.signature(IterBasedTrainLoop.run).parameters) == [
        'self']
    dataset = CountingDataset()
    sampler = ResumableInfiniteSampler(dataset, seed=3)
    runner = StubRunner()
    loop = IterBasedTrainLoop(runner, DataLoader(dataset, batch_size=2,
                                                 sampler=sampler),
                              max_iters=5)
    runner.train_loop = loop
    loop._iter = 3  # what Runner.resume sets
    dataset.loaded.clear()
    loop.run()
    # the stream the sampler gives from its start, in batches of 2
    fresh = ResumableInfiniteSampler(dataset, seed=3)
    stream = [i for (i, _), _ in zip(iter(fresh), range(10))]
    expected = [stream[6:8], stream[8:10]]
    assert runner.trained == expected, (
        'mmengine IterBasedTrainLoop.run no longer advances the data '
        'iterator exactly `iter` times after before_train_epoch; '
        'ResumeDataStreamHook must be adapted')
    assert dataset.loaded == stream[6:10]


def test_param_scheduler_base_still_calls_get_value():
    params = list(inspect.signature(_ParamScheduler.__init__).parameters)
    assert params[:7] == ['self', 'optimizer', 'param_name', 'begin', 'end',
                          'last_step', 'by_epoch']
    assert list(inspect.signature(_ParamScheduler._get_value).parameters) \
        == ['self']
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))],
                                lr=0.1)
    scheduler = LegacyLRScheduler(optimizer, policy='poly', max_progress=10,
                                  power=1.0, min_lr=0.0)
    seen = []
    for _ in range(3):
        seen.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    assert seen == [scheduler.lr_at(0.1, k) for k in range(3)]


def test_runner_save_checkpoint_keeps_the_arguments_the_hook_passes():
    params = inspect.signature(Runner.save_checkpoint).parameters
    for name in ('out_dir', 'filename', 'save_optimizer',
                 'save_param_scheduler', 'meta', 'by_epoch'):
        assert name in params, f'Runner.save_checkpoint lost {name!r}'


def test_runner_keeps_the_train_loop_config_until_it_is_built():
    # JsonLoggerHook reads runner._train_loop to tell a test run (None or
    # an unbuilt config) from training without building the loop
    import inspect

    from mmengine.runner import Runner
    assert '_train_loop' in Runner.__annotations__
    assert 'self._train_loop = train_cfg' in inspect.getsource(
        Runner.__init__)
