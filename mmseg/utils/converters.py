"""Helpers of the dataset converters in ``tools/convert_datasets/``."""
import argparse

from mmengine.utils import track_parallel_progress, track_progress


def add_nproc_argument(parser: argparse.ArgumentParser,
                       default: int) -> None:
    """``--nproc``: worker processes of a dataset converter (>= 1)."""

    def positive(text: str) -> int:
        value = int(text)
        if value < 1:
            raise argparse.ArgumentTypeError('must be at least 1')
        return value

    parser.add_argument('--nproc', default=default, type=positive,
                        help='number of worker processes')


def run_tasks(func, tasks: list, nproc: int) -> None:
    """``func(task)`` for every task with a progress bar, in ``nproc``
    processes when more than one."""
    if nproc > 1:
        track_parallel_progress(func, tasks, nproc)
    else:
        track_progress(func, tasks)


def require_scipy(what: str) -> None:
    """Raise a one-line ImportError when scipy (for ``.mat``) is missing.

    Args:
        what: the files that need it, e.g. 'PASCAL Context .mat labels'.
    """
    try:
        import scipy.io  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f'reading {what} needs scipy: pip install scipy (or pip '
            'install -r requirements/optional.txt)') from exc


def load_mat_array(path: str, key: str, what: str):
    """The array ``key`` of the MATLAB file ``path``."""
    require_scipy(what)
    from scipy.io import loadmat
    return loadmat(path)[key]
