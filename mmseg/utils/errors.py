"""The toolbox's error classes, and the signals that stop a run."""
import signal

# SIGINT / SIGTERM ask a run to stop (``mmseg.engine.signals``); data loader
# workers ignore them (``mmseg.datasets.samplers.training_worker_init``)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class InvalidArgumentError(ValueError, AssertionError):
    """A bad argument: a ``ValueError`` with a one-line message, and an
    ``AssertionError`` too, so 0.28 code catching that still works."""


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
