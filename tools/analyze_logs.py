"""Plot training curves from ``<timestamp>.log.json`` files.

    python tools/analyze_logs.py plot_curve LOG.json [LOG2.json ...]
        --keys decode.loss_ce mIoU [--legend a b] [--title T] [--out f.png]

Loss-like keys are read from training records, metrics (``mIoU``,
``aAcc``, ``IoU.road``, ...) from validation records; x is the iteration.

Logs in one directory are one run (a resumed run writes a new log in the
same work dir): they are joined in the order of their names (the
timestamps), a later log replacing the records of earlier ones from its
first iteration on. ``--legend`` takes one entry per run; with several
keys a curve is labelled ``ENTRY: KEY``. A key that some runs lack is
skipped for them with a note; it is an error only if no run has it.
"""
import argparse
import difflib
import json
import os
from typing import Dict, List, Optional

import matplotlib

matplotlib.use('Agg')  # headless: only files are written
import matplotlib.pyplot as plt  # noqa: E402

from mmseg.cli import UsageError, run_cli  # noqa: E402


def load_log(path: str) -> Dict[str, List[dict]]:
    """Records of a JSON log, split by mode ('train' and 'val')."""
    try:
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        raise UsageError(f'log file not found: {path}') from None
    except json.JSONDecodeError as err:
        raise UsageError(f'{path} is not a JSON log ({err})') from None
    split = {'train': [], 'val': []}
    for record in records:
        if record.get('mode') in split and 'iter' in record:
            split[record['mode']].append(record)
    return split


def group_runs(paths: List[str]) -> List[List[str]]:
    """Logs grouped into runs by directory, runs in the order given, the
    logs of a run in name (= timestamp) order."""
    runs: Dict[str, List[str]] = {}
    for path in paths:
        runs.setdefault(os.path.dirname(os.path.abspath(path)),
                        []).append(path)
    return [sorted(set(logs), key=os.path.basename)
            for logs in runs.values()]


def join_logs(paths: List[str]) -> Dict[str, List[dict]]:
    """Records of one run's logs, a later log replacing earlier records
    from its first iteration on (what a resumed run recomputed).

    Args:
        paths: the run's logs, oldest first.

    Returns:
        dict: 'train' and 'val' records in iteration order.
    """
    joined = {'train': [], 'val': []}
    for path in paths:
        log = load_log(path)
        iters = [r['iter'] for mode in log for r in log[mode]]
        if not iters:
            continue
        start = min(iters)
        for mode in joined:
            joined[mode] = [r for r in joined[mode]
                            if r['iter'] < start] + log[mode]
    return joined


def curve(log: Dict[str, List[dict]], key: str) -> Optional[tuple]:
    """(iterations, values) of ``key`` in ``log``; None if it has none."""
    for mode in ('train', 'val'):
        points = [(r['iter'], r[key]) for r in log[mode] if key in r]
        if points:
            return tuple(zip(*points))
    return None


def run_name(logs: List[str]) -> str:
    """How notes name a run: its log, or its directory and log count."""
    if len(logs) == 1:
        return logs[0]
    return f'{os.path.dirname(logs[0]) or "."} ({len(logs)} logs)'


def plot_curve(logs: List[str], keys: List[str],
               legend: Optional[List[str]] = None,
               title: Optional[str] = None, out: str = 'curves.png') -> dict:
    """Plot ``keys`` of every run in one figure.

    Args:
        logs: JSON logs; those in one directory are joined into one run.
        keys: record keys to plot (losses, metrics).
        legend: one entry per run (default: the run's directory).
        title: figure title.
        out: the image to write.

    Returns:
        dict: ``out`` and ``curves``, one dict per plotted line (label,
        key, logs, iters, values).
    """
    runs = group_runs(logs)
    if legend is None:
        legend = [os.path.dirname(run[0]) or '.' for run in runs]
    if len(legend) != len(runs):
        dirs = ', '.join(os.path.dirname(run[0]) or '.' for run in runs)
        raise UsageError(
            f'--legend needs {len(runs)} entries, one per run (logs in one '
            f'directory are one run: {dirs}); got {len(legend)}')
    joined = [join_logs(run) for run in runs]
    curves = []
    for key in keys:
        found = [(run, entry, curve(log, key))
                 for run, entry, log in zip(runs, legend, joined)]
        if not any(points for _, _, points in found):
            known = sorted({k for log in joined for mode in log
                            for r in log[mode] for k in r})
            close = difflib.get_close_matches(key, known, n=1)
            hint = f'; did you mean {close[0]}?' if close else ''
            raise UsageError(f'no log has key {key!r}{hint}')
        for run, entry, points in found:
            if points is None:
                print(f'{key}: not in {run_name(run)}, skipped')
                continue
            label = entry if len(keys) == 1 else f'{entry}: {key}'
            curves.append(dict(label=label, key=key, logs=run,
                               iters=list(points[0]),
                               values=list(points[1])))
    fig, ax = plt.subplots(figsize=(8, 5))
    for line in curves:
        ax.plot(line['iters'], line['values'], label=line['label'],
                marker='o' if len(line['iters']) < 20 else None)
    ax.set_xlabel('iteration')
    ax.set_ylabel(', '.join(keys))
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.savefig(out, dpi=100, bbox_inches='tight')
    plt.close(fig)
    return dict(out=out, curves=curves)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='task', required=True)
    plot = sub.add_parser(
        'plot_curve', help='plot keys of JSON logs',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.splitlines()[5:]))
    plot.add_argument('json_logs', nargs='+',
                      help='JSON logs; those of one directory are one run')
    plot.add_argument('--keys', nargs='+', default=['loss'])
    plot.add_argument('--legend', nargs='+',
                      help='one entry per run (default: its directory)')
    plot.add_argument('--title')
    plot.add_argument('--out', default='curves.png')
    plot.add_argument('--backend', help='(ignored: Agg is always used)')
    args = parser.parse_args(argv)
    result = plot_curve(args.json_logs, args.keys, args.legend, args.title,
                        args.out)
    print(f'saved {result["out"]}')
    return result


if __name__ == '__main__':
    run_cli(main)
