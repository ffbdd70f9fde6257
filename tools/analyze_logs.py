"""Plot training curves from ``<timestamp>.log.json`` files.

    python tools/analyze_logs.py plot_curve LOG.json [LOG2.json ...]
        --keys decode.loss_ce mIoU [--legend a b] [--title T] [--out f.png]

Loss-like keys are read from training records, metrics (``mIoU``,
``aAcc``, ``IoU.road``, ...) from validation records; x is the iteration.
"""
import argparse
import json
import os
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')  # headless: only files are written
import matplotlib.pyplot as plt  # noqa: E402

from mmseg.utils.cli import UsageError, run_cli  # noqa: E402


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
        if record.get('mode') in split:
            split[record['mode']].append(record)
    return split


def curve(log: Dict[str, List[dict]], key: str, path: str):
    """(iterations, values) of ``key`` in ``log``."""
    for mode in ('train', 'val'):
        points = [(r['iter'], r[key]) for r in log[mode] if key in r]
        if points:
            return tuple(zip(*points))
    raise UsageError(f'{path} has no key {key!r}')


def plot_curve(logs: List[str], keys: List[str], legend=None, title=None,
               out: str = 'curves.png') -> str:
    """Plot ``keys`` of every log in one figure; returns the file written."""
    legend = legend or [f'{os.path.basename(log)}: {key}' for log in logs
                        for key in keys]
    if len(legend) != len(logs) * len(keys):
        raise UsageError(f'--legend needs {len(logs) * len(keys)} entries '
                         '(one per log and key)')
    fig, ax = plt.subplots(figsize=(8, 5))
    names = iter(legend)
    for path in logs:
        log = load_log(path)
        for key in keys:
            iters, values = curve(log, key, path)
            ax.plot(iters, values, label=next(names),
                    marker='o' if len(iters) < 20 else None)
    ax.set_xlabel('iteration')
    ax.set_ylabel(', '.join(keys))
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.savefig(out, dpi=100, bbox_inches='tight')
    plt.close(fig)
    return out


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='task', required=True)
    plot = sub.add_parser('plot_curve', help='plot keys of JSON logs')
    plot.add_argument('json_logs', nargs='+')
    plot.add_argument('--keys', nargs='+', default=['loss'])
    plot.add_argument('--legend', nargs='+')
    plot.add_argument('--title')
    plot.add_argument('--out', default='curves.png')
    plot.add_argument('--backend', help='(ignored: Agg is always used)')
    args = parser.parse_args(argv)
    out = plot_curve(args.json_logs, args.keys, args.legend, args.title,
                     args.out)
    print(f'saved {out}')
    return out


if __name__ == '__main__':
    run_cli(main)
