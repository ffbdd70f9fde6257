"""The signals that ask a training run to stop, and the exit clean-up.

A stop is a :class:`~mmseg.utils.errors.TrainingStopped` exception that the
tools turn into one line on rank 0 and an exit status
(``mmseg.cli.run_cli``), never into a traceback.
"""
import atexit
import multiprocessing
import signal
import threading

from mmseg.utils.errors import STOP_SIGNALS


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
