"""Ways a training run stops early on purpose, and the signals that ask it.

A stop is an exception that the tools turn into one line on rank 0 and an
exit status (``mmseg.utils.cli.run_cli``), never into a traceback.
"""
import atexit
import multiprocessing
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
        kill_workers_at_exit()
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


_kill_registered = False


def kill_workers_at_exit() -> None:
    """At interpreter exit, SIGKILL the daemonic children still running.

    The data loader workers ignore SIGTERM (``training_worker_init``);
    multiprocessing's own exit function terminates them with SIGTERM and
    then joins them, which would wait forever. Registered after it (it is
    registered when multiprocessing is imported), so it runs before it.
    """
    global _kill_registered
    if not _kill_registered:
        atexit.register(_kill_daemonic_children)
        _kill_registered = True


def _kill_daemonic_children() -> None:
    # torch's SIGCHLD handler would report each killed worker as a failure
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for child in multiprocessing.active_children():
        if child.daemon:
            child.kill()
