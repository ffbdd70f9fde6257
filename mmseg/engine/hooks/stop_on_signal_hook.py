import os
import sys
import threading
from typing import Optional

import torch
from mmengine.dist import (
    all_reduce,
    barrier,
    get_world_size,
    is_main_process,
)
from mmengine.hooks import Hook

from mmseg.registry import HOOKS
from mmseg.utils.errors import TrainingStopped

from ..signals import SignalFlag
from .checkpoint_hook import AtomicCheckpointHook


@HOOKS.register_module()
class StopOnSignalHook(Hook):
    """Save the current iteration and stop on SIGINT / SIGTERM.

    The signal handler only records the signal. After every iteration (and
    every validation) the ranks agree on it with one tiny ``all_reduce``;
    then all of them save the current iteration through the checkpoint hook
    (atomically, so the last good checkpoint survives anything) and raise
    ``TrainingStopped`` with exit status 128 + signal (130 / 143). A save
    that does not finish within ``save_timeout`` seconds is abandoned: the
    process exits at once and the checkpoints already on disk are intact.

    ``ResumableRunner.train`` installs the handler before the data loader
    workers are forked: they inherit it, so a signal sent to the whole process
    group does not kill them under the main process.

    Args:
        save_timeout: Seconds allowed for saving after a signal.
    """

    priority = 'LOWEST'  # after the checkpoint hook's own save

    def __init__(self, save_timeout: float = 30):
        if save_timeout <= 0:
            raise ValueError(f'interrupt_save_timeout must be positive, got '
                             f'{save_timeout}')
        self.save_timeout = save_timeout
        self.flag = SignalFlag()
        self._training = False

    def before_train(self, runner) -> None:
        self._training = True

    def after_train(self, runner) -> None:
        self._training = False
        self.flag.restore()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        self._stop_if_signalled(runner, runner.iter + 1)

    def after_val_epoch(self, runner, metrics=None) -> None:
        if self._training:
            self._stop_if_signalled(runner, runner.iter)

    def _agreed_signal(self) -> int:
        """The signal any rank received (0: none)."""
        received = torch.tensor([self.flag.received], dtype=torch.int64)
        if get_world_size() > 1:
            all_reduce(received, op='max')
        return int(received.item())

    def _stop_if_signalled(self, runner, iteration: int) -> None:
        signum = self._agreed_signal()
        if not signum:
            return
        hook = self._checkpoint_hook(runner)
        last = getattr(hook, 'last_ckpt', None) if hook else None
        watchdog = threading.Timer(self.save_timeout, self._give_up,
                                   (iteration, signum, last))
        watchdog.daemon = True
        watchdog.start()
        try:
            saved = hook.save_now(runner, iteration) if hook else None
            barrier()
        finally:
            watchdog.cancel()
        what = f'saved {saved}' if saved else 'no checkpoint hook, ' \
            'nothing saved'
        raise TrainingStopped(
            f'interrupted at iteration {iteration}; {what}; continue with '
            '--auto-resume', exit_code=128 + signum)

    @staticmethod
    def _checkpoint_hook(runner) -> Optional[AtomicCheckpointHook]:
        for hook in runner.hooks:
            if isinstance(hook, AtomicCheckpointHook) and not hook.by_epoch:
                return hook
        return None

    def _give_up(self, iteration: int, signum: int,
                 last: Optional[str]) -> None:
        """Runs in the watchdog thread: exit without finishing the save."""
        if is_main_process():
            print(f'interrupted at iteration {iteration}; saving did not '
                  f'finish within {self.save_timeout:g} s, nothing saved '
                  f'(last good checkpoint: {last or "none"}); continue '
                  'with --auto-resume', file=sys.stderr, flush=True)
        os._exit(128 + signum)
