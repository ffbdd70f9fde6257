"""torchrun, reporting an interrupted or failed run in one line.

Usage: python tools/launch_workers.py [torchrun options] SCRIPT [args]

torchrun forwards SIGINT/SIGTERM to the workers (which save and exit, see
docs/reliability.md) and stops all of them when one dies; left alone it
then prints its own tracebacks and a failure report. Here the launcher
exits with the workers' status and, when a worker died, one line naming it.
"""
import logging
import sys

from torch.distributed.elastic.multiprocessing import SignalException
from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
from torch.distributed.run import main as torchrun

# statuses of workers that stopped on purpose and said so themselves
INTERRUPTED = (130, 143)


def failure_line(err: ChildFailedError) -> str:
    """The first failed worker, its pid and how it ended."""
    rank, failure = err.get_first_failure()
    how = f'was killed by {failure.signal_name()}' if failure.exitcode < 0 \
        else f'exited with status {failure.exitcode}'
    return (f'error: rank {rank} (pid {failure.pid}) {how}; the launcher '
            'stopped the other ranks')


def main() -> int:
    # its warnings ("shutting down workers", ...) repeat what workers say
    logging.getLogger('torch.distributed.elastic').setLevel(logging.ERROR)
    try:
        torchrun(sys.argv[1:])
    except SignalException as err:
        return 128 + int(err.sigval)
    except ChildFailedError as err:
        codes = {f.exitcode for f in err.failures.values()}
        if len(codes) == 1 and codes <= set(INTERRUPTED):
            return codes.pop()
        print(failure_line(err), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
