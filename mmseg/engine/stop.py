"""Ways a training run stops early on purpose, and the signals that ask it.

A stop is an exception that the tools turn into one line on rank 0 and an
exit status (``mmseg.utils.cli.run_cli``), never into a traceback.
"""
import signal
import threading
from typing import Optional

from mmengine.dataset import worker_init_fn as seed_worker
from mmengine.dist import get_rank

from mmseg.registry import FUNCTIONS

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TrainingStopped(Exception):
    """Training ended early; ``str(err)`` is the line to print.

    Args:
        message: One line saying what happened and how to continue.
        exit_code: The tool's exit status.
    """

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class CheckpointWriteError(TrainingStopped):
    """A checkpoint could not be written (e.g. the disk is full)."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=1)


class SignalFlag:
    """Records SIGINT/SIGTERM instead of letting them kill the process.

    ``received`` is the number of the last signal caught (0: none). The
    handler only sets it: the training loop decides when to stop, at a
    point where the state is consistent.
    """

    def __init__(self):
        self.received = 0
        self._previous = {}

    def _record(self, signum: int, frame) -> None:
        self.received = signum

    def install(self) -> None:
        """Catch the stop signals (only possible in the main thread)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._record)

    def restore(self) -> None:
        """Put the handlers found by ``install`` back."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


@FUNCTIONS.register_module()
def training_worker_init(worker_id: int, num_workers: int,
                         seed: Optional[int],
                         rank: Optional[int] = None) -> None:
    """Start of a data loader worker during training.

    Seeds it as mmengine does, and makes it ignore SIGINT: Ctrl-C reaches
    the whole foreground process group and must not kill the workers under
    the main process, which saves and then shuts them down. SIGTERM is left
    alone: the main process shuts its workers down with it.

    Args:
        worker_id, num_workers: As the data loader gives them.
        seed: Run seed (None: no seeding).
        rank: Process rank (default: this process's).
    """
    if rank is None:
        rank = get_rank()
    if seed is not None:
        seed_worker(worker_id, num_workers, rank, seed)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
