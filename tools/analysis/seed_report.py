"""How much of a gain is noise: train and test a config (and its baseline)
with several seeds, then report mIoU mean +- std, per-class IoU and the
paired difference config - baseline with a 95% confidence interval.

    python tools/analysis/seed_report.py CONFIG [--baseline BASE_CONFIG] \
        --seeds 0 1 2 --work-root /path/runs [--out-dir DIR] \
        [--launcher {none,pytorch,slurm}] [--gpus N] [--cfg-options ...]

Each seed trains in ``WORK_ROOT/<config name>/seed_<s>`` with the project's
tools (``tools/train.py``, ``tools/dist_train.sh`` or
``tools/slurm_train.sh``) and is tested with the matching test tool. A seed
whose final checkpoint and test result both exist is not run again, so
re-running the same command resumes an interrupted report (an unfinished
training resumes from its latest checkpoint). Writes ``report.md``,
``report.json`` and ``report.png`` to ``--out-dir`` (default: WORK_ROOT).
"""
import argparse
import glob
import hashlib
import json
import math
import os
import os.path as osp
import platform
import subprocess
import sys
from importlib import metadata
from typing import Dict, List, Optional, Sequence

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from mmseg.cli import UsageError, load_config, run_cli  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RESULT_FILE = 'seed_result.json'
PACKAGES = ('torch', 'mmengine', 'mmcv-lite', 'mmcv', 'numpy', 'mmseg-cac',
            'scipy', 'matplotlib')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config (e.g. CAC)')
    parser.add_argument('--baseline', help='config to compare against')
    parser.add_argument('--seeds', type=int, nargs='+', required=True)
    parser.add_argument('--work-root', required=True,
                        help='one work dir per config and seed under it')
    parser.add_argument('--out-dir', help='report folder (default: '
                        'WORK_ROOT)')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm'])
    parser.add_argument('--gpus', type=int, default=1,
                        help='processes (GPUs) per seed with --launcher '
                        'pytorch / slurm')
    parser.add_argument('--partition', help='Slurm partition (--launcher '
                        'slurm)')
    parser.add_argument('--port', type=int, default=29500,
                        help='PORT of tools/dist_*.sh')
    parser.add_argument('--deterministic', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VAL', help='applied to every config, '
                        'training and testing')
    args = parser.parse_args(argv)
    if args.launcher == 'slurm' and not args.partition:
        parser.error('--launcher slurm needs --partition')
    if args.gpus < 1:
        parser.error('--gpus must be >= 1')
    if len(set(args.seeds)) != len(args.seeds):
        parser.error(f'--seeds {args.seeds}: each seed once')
    return args


# ------------------------------------------------------------ statistics


def _t_cdf(t: float, dof: int) -> float:
    """CDF of Student's t, by Simpson's rule on its density (t >= 0)."""
    log_norm = (math.lgamma((dof + 1) / 2) - math.lgamma(dof / 2) -
                0.5 * math.log(dof * math.pi))
    steps = 2000
    h = t / steps
    total = 0.0
    for i in range(steps + 1):
        x = i * h
        density = math.exp(log_norm - (dof + 1) / 2 *
                           math.log1p(x * x / dof))
        total += density * (1 if i in (0, steps) else 4 if i % 2 else 2)
    return 0.5 + total * h / 3


def t_quantile(p: float, dof: int) -> float:
    """Quantile of Student's t with ``dof`` degrees of freedom (p > 0.5).

    Uses scipy when installed, else bisection on :func:`_t_cdf`.
    """
    try:
        from scipy.stats import t as student_t
    except ImportError:
        low, high = 0.0, 1.0
        while _t_cdf(high, dof) < p:
            high *= 2
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (mid, high) if _t_cdf(mid, dof) < p else (low, mid)
        return (low + high) / 2
    return float(student_t.ppf(p, dof))


def mean_std(values: Sequence[float]) -> Dict[str, float]:
    """Mean and sample standard deviation (ddof 1; 0 for one value)."""
    arr = np.asarray(values, dtype=float)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return dict(mean=float(arr.mean()), std=std, n=int(arr.size))


def paired_difference(diffs: Sequence[float]) -> dict:
    """Mean paired difference and its 95% t confidence interval."""
    stats = mean_std(diffs)
    n = stats['n']
    if n < 2:
        return dict(**stats, ci95=None)
    half = t_quantile(0.975, n - 1) * stats['std'] / math.sqrt(n)
    return dict(**stats, ci95=[stats['mean'] - half, stats['mean'] + half])


# --------------------------------------------------------------- running


def config_hash(cfg) -> str:
    """sha256 of the merged config's text (first 16 hex digits)."""
    return hashlib.sha256(cfg.pretty_text.encode()).hexdigest()[:16]


def final_checkpoint(work_dir: str, cfg) -> str:
    return osp.join(work_dir, f'iter_{cfg.runner.max_iters}.pth')


def tool_command(args, kind: str, config: str, job: str,
                 tool_args: List[str]) -> List[str]:
    """Command line of ``tools/{kind}.py`` under the chosen launcher."""
    if args.launcher == 'none':
        return [sys.executable, osp.join(REPO, 'tools', f'{kind}.py'),
                config, *tool_args]
    if args.launcher == 'pytorch':
        script = osp.join(REPO, 'tools', f'dist_{kind}.sh')
        if kind == 'train':
            return ['bash', script, config, str(args.gpus), *tool_args]
        return ['bash', script, config, tool_args[0], str(args.gpus),
                *tool_args[1:]]
    script = osp.join(REPO, 'tools', f'slurm_{kind}.sh')
    return ['bash', script, args.partition, job, config, *tool_args]


def run(command: List[str], args, log_file: str) -> None:
    env = dict(os.environ, PORT=str(args.port), GPUS=str(args.gpus),
               GPUS_PER_NODE=str(min(args.gpus, 8)))
    env['PYTHONPATH'] = os.pathsep.join(
        [REPO] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
    with open(log_file, 'a') as log:
        log.write('$ ' + ' '.join(command) + '\n')
        log.flush()
        code = subprocess.call(command, cwd=REPO, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    if code != 0:
        raise UsageError(f'{" ".join(command[:3])} ... failed with status '
                         f'{code}; see {log_file}')


def seed_result(args, config: str, cfg, seed: int) -> dict:
    """Train and test one seed unless its result is already there."""
    name = osp.splitext(osp.basename(config))[0]
    work_dir = osp.join(args.work_root, name, f'seed_{seed}')
    checkpoint = final_checkpoint(work_dir, cfg)
    result_file = osp.join(work_dir, RESULT_FILE)
    if osp.isfile(checkpoint) and osp.isfile(result_file):
        with open(result_file) as f:
            return json.load(f)
    os.makedirs(work_dir, exist_ok=True)
    log_file = osp.join(work_dir, 'seed_report.log')
    options = ['--cfg-options', *args.cfg_options] if args.cfg_options \
        else []
    train_args = ['--work-dir', work_dir, '--seed', str(seed),
                  '--auto-resume', *(['--deterministic']
                                     if args.deterministic else []),
                  *options]
    print(f'[seed_report] {name} seed {seed}: training in {work_dir}',
          flush=True)
    run(tool_command(args, 'train', config, f'{name}_s{seed}', train_args),
        args, log_file)
    if not osp.isfile(checkpoint):
        raise UsageError(f'training finished without {checkpoint}; see '
                         f'{log_file}')
    test_dir = osp.join(work_dir, 'test')
    for old in glob.glob(osp.join(test_dir, 'eval_single_scale_*.json')):
        os.remove(old)
    run(tool_command(args, 'test', config, f'{name}_s{seed}_test',
                     [checkpoint, '--eval', 'mIoU', '--work-dir', test_dir,
                      *options]), args, log_file)
    (eval_file, ) = glob.glob(osp.join(test_dir,
                                       'eval_single_scale_*.json'))
    with open(eval_file) as f:
        metric = json.load(f)['metric']
    result = dict(seed=seed, work_dir=work_dir, checkpoint=checkpoint,
                  mIoU=metric['mIoU'],
                  IoU={k[4:]: v for k, v in metric.items()
                       if k.startswith('IoU.')})
    with open(result_file, 'w') as f:
        json.dump(result, f, indent=2)
    return result


# --------------------------------------------------------------- report


def environment() -> dict:
    import torch
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    gpus = [torch.cuda.get_device_name(i)
            for i in range(torch.cuda.device_count())]
    return dict(python=platform.python_version(),
                platform=platform.platform(), cpus=os.cpu_count(),
                torch=torch.__version__, cuda=torch.version.cuda,
                cudnn=torch.backends.cudnn.version()
                if torch.cuda.is_available() else None,
                gpus=gpus, packages=versions)


def summarise(runs: Dict[str, dict]) -> dict:
    """Per config: mIoU and per-class IoU statistics over the seeds."""
    summary = {}
    for name, info in runs.items():
        results = info['results']
        classes = list(results[0]['IoU'])
        summary[name] = dict(
            config=info['config'], config_hash=info['hash'],
            seeds=[r['seed'] for r in results],
            mIoU_per_seed=[r['mIoU'] for r in results],
            mIoU=mean_std([r['mIoU'] for r in results]),
            IoU={c: mean_std([r['IoU'][c] for r in results])
                 for c in classes})
    return summary


def pct(stats: dict) -> str:
    return f"{100 * stats['mean']:.1f} ± {100 * stats['std']:.1f}"


def write_markdown(path: str, report: dict, command: str) -> None:
    names = list(report['configs'])
    lines = ['# Seed report', '', 'Command:', '', '```bash', command, '```',
             '', '## mIoU (%)', '', '| config | seeds | per seed | mean ± '
             'std |', '| --- | --- | --- | --- |']
    for name, conf in report['configs'].items():
        per_seed = ', '.join(f'{100 * v:.1f}' for v in conf['mIoU_per_seed'])
        lines.append(f"| `{name}` | {conf['seeds']} | {per_seed} | "
                     f"{pct(conf['mIoU'])} |")
    diff = report.get('paired_difference')
    if diff:
        lines += ['', f"## Paired difference {names[0]} − {names[1]} "
                  '(mIoU points)', '',
                  '| seed | difference |', '| --- | --- |']
        lines += [f'| {s} | {100 * d:+.2f} |'
                  for s, d in zip(diff['seeds'], diff['per_seed'])]
        ci = diff['ci95']
        ci_text = (f'[{100 * ci[0]:+.2f}, {100 * ci[1]:+.2f}]' if ci
                   else 'n/a (one seed)')
        lines += ['', f"Mean {100 * diff['mean']:+.2f} ± "
                  f"{100 * diff['std']:.2f} (std), 95% confidence interval "
                  f"{ci_text} (t distribution, {diff['n'] - 1} degrees of "
                  'freedom). An interval that contains 0 means the seeds do '
                  'not show a gain.']
    classes = list(report['configs'][names[0]]['IoU'])
    lines += ['', '## Per-class IoU (%, mean ± std over seeds)', '',
              '| class | ' + ' | '.join(f'`{n}`' for n in names) + ' |',
              '| --- |' + ' --- |' * len(names)]
    for c in classes:
        lines.append(f'| {c} | ' + ' | '.join(
            pct(report['configs'][n]['IoU'][c]) for n in names) + ' |')
    env = report['environment']
    lines += ['', '## Environment', '',
              f"python {env['python']}, {env['platform']}, {env['cpus']} "
              f"CPUs; torch {env['torch']}, CUDA {env['cuda']}, GPUs "
              f"{env['gpus'] or 'none'}", '',
              'Packages: ' + ', '.join(f'{k} {v}' for k, v in
                                       env['packages'].items()), '',
              'Merged config hashes (sha256 of the config text, 16 digits): '
              + ', '.join(f"`{n}` {c['config_hash']}"
                          for n, c in report['configs'].items()), '']
    with open(path, 'w') as f:
        f.write('\n'.join(lines))


def plot(path: str, report: dict) -> None:
    names = list(report['configs'])
    confs = [report['configs'][n] for n in names]
    classes = list(confs[0]['IoU'])
    fig, (ax_m, ax_c) = plt.subplots(
        1, 2, figsize=(4 + 0.6 * len(classes), 4),
        gridspec_kw=dict(width_ratios=[1, max(2, len(classes) // 3)]))
    for i, conf in enumerate(confs):
        values = 100 * np.asarray(conf['mIoU_per_seed'])
        ax_m.scatter(np.full(values.size, i), values, alpha=0.6)
        ax_m.errorbar(i + 0.15, 100 * conf['mIoU']['mean'],
                      yerr=100 * conf['mIoU']['std'], fmt='o', capsize=4,
                      color='k')
    ax_m.set_xticks(range(len(names)), [n[:24] for n in names],
                    rotation=15, fontsize=7)
    ax_m.set_ylabel('mIoU (%)')
    ax_m.set_title('mIoU per seed, mean ± std')
    width = 0.8 / len(confs)
    x = np.arange(len(classes))
    for i, (name, conf) in enumerate(zip(names, confs)):
        ax_c.bar(x + i * width, [100 * conf['IoU'][c]['mean']
                                 for c in classes], width,
                 yerr=[100 * conf['IoU'][c]['std'] for c in classes],
                 capsize=2, label=name[:40])
    ax_c.set_xticks(x + width * (len(confs) - 1) / 2, classes,
                    rotation=60, fontsize=7)
    ax_c.set_ylabel('IoU (%)')
    ax_c.set_title('per-class IoU, mean ± std over seeds')
    ax_c.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def build_report(runs: Dict[str, dict], seeds: List[int],
                 paired: bool) -> dict:
    """Statistics of the seeds finished so far."""
    done = {n: r for n, r in runs.items() if r['results']}
    report = dict(seeds=seeds, configs=summarise(done),
                  environment=environment())
    if paired:
        first, second = (
            {r['seed']: r['mIoU'] for r in info['results']}
            for info in runs.values())
        common = [s for s in seeds if s in first and s in second]
        per_seed = [first[s] - second[s] for s in common]
        if per_seed:
            report['paired_difference'] = dict(
                seeds=common, per_seed=per_seed,
                **paired_difference(per_seed))
    return report


def write_report(out_dir: str, report: dict, command: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    report['command'] = command
    with open(osp.join(out_dir, 'report.json'), 'w') as f:
        json.dump(report, f, indent=2)
    write_markdown(osp.join(out_dir, 'report.md'), report, command)
    plot(osp.join(out_dir, 'report.png'), report)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    command = 'python tools/analysis/seed_report.py ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    runs, cfgs = {}, {}
    for config in [args.config] + ([args.baseline] if args.baseline
                                   else []):
        name = osp.splitext(osp.basename(config))[0]
        if name in runs:
            raise UsageError(f'{config}: config and baseline have the same '
                             'name; their work dirs would collide')
        cfgs[name] = load_config(config, args.cfg_options)
        runs[name] = dict(config=config, hash=config_hash(cfgs[name]),
                          results=[])
    out_dir = args.out_dir or args.work_root
    # seed by seed, so that an interrupted report already pairs its seeds;
    # the report is rewritten after each seed
    for seed in args.seeds:
        for name, info in runs.items():
            info['results'].append(
                seed_result(args, info['config'], cfgs[name], seed))
            write_report(out_dir, build_report(runs, args.seeds,
                                               bool(args.baseline)),
                         command)
    print(f'[seed_report] report.md, report.json, report.png in {out_dir}')


if __name__ == '__main__':
    run_cli(main)
