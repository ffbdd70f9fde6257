"""Resume an iteration-based run without reloading the trained batches.

mmengine's ``IterBasedTrainLoop`` resumes by drawing (loading, augmenting)
and discarding every batch already trained on. With a sampler that can
``skip`` (``ResumableInfiniteSampler``) this hook restarts the stream at the
right place instead, in ``before_train_epoch``, and hands the loop an
iterator whose first ``iter`` draws are free placeholders, one for each
draw of the loop's advance. ``tests/test_engine/test_mmengine_guards.py``
checks that mmengine still advances exactly ``iter`` times after this hook.
"""
from typing import Iterator

from mmengine.hooks import Hook

from mmseg.registry import HOOKS


class FastForward:
    """An iterator whose first ``skip`` items are ``None`` (nothing loaded).

    A training step that gets one of them fails loudly (no ``img``), so a
    loop that stopped advancing could never train on placeholders.
    """

    def __init__(self, iterator: Iterator, skip: int):
        self.iterator = iterator
        self.skip = skip

    def __iter__(self):
        return self

    def __next__(self):
        if self.skip > 0:
            self.skip -= 1
            return None
        return next(self.iterator)


@HOOKS.register_module()
class ResumeDataStreamHook(Hook):
    """Start the training data stream at the loop's current iteration.

    The sampler always uses the runner's seed, which a resume restores from
    the checkpoint after the data loader was built. Without a resumable
    sampler (epoch-based runs) it does nothing.
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        loop = runner.train_loop
        loader = loop.dataloader
        sampler = getattr(loader, 'sampler', None)
        if not hasattr(sampler, 'skip') or \
                getattr(loop, 'dataloader_iterator', None) is None:
            return
        done = loop.iter
        sampler.seed = runner.seed
        sampler.skip(done * loader.batch_size)
        loop.dataloader_iterator = FastForward(iter(loader), done)
