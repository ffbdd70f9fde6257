"""Seconds per training iteration of a config, next to its baseline.

Random images of the config's crop size go through full training steps
(forward, losses, backward, optimizer). A CAC config is compared with its
own baseline: the same model without CAC's branches and loss (``cac`` key
dropped, ``CACFCNHead`` -> ``FCNHead``, ...), measured in the same run. With
``--data`` the config's training pipeline is timed too (images/s of data
loading alone vs of the model step). With ``--settings`` the config's model
is timed eager, channels-last and compiled instead, interleaved; each
figure is the median of ``--iters`` rounds with their spread.

With ``--compare-028 ENV`` the config model and its baseline also train in
a MMSeg 0.28 environment (``ENV/bin/python`` runs ``step_028.py``, see
docs/benchmarks.md), their steps interleaved with ours. With ``--profile
OUT`` one step of each model runs under ``torch.profiler`` and OUT gets the
top operators and the project functions they were called from.

    python tools/analysis/benchmark_train.py CONFIG [--crop 512 1024]
        [--batch 2] [--warmup 2] [--iters 5] [--device cpu|cuda] [--fp16]
        [--baseline CONFIG] [--data] [--settings [--compile-backend B]]
        [--compare-028 ENV [--ours eager channels_last] [--rounds 3]]
        [--profile OUT] [--threads N]
"""
import argparse
import copy
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from functools import partial

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmseg.cli import UsageError, load_config, run_cli
from mmseg.engine import SkipNonFiniteAmpOptimWrapper
from mmseg.engine.hooks.cac_hooks import segmentor_of
from mmseg.engine.speed import apply_speed_settings
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import plain_head_cfg
from mmseg.registry import MODELS
from mmseg.utils.profiling import peak_memory_mib, timed_call


def baseline_of(model_cfg: dict) -> dict:
    """``model_cfg`` with every head's CAC branches and losses removed."""
    model_cfg = copy.deepcopy(model_cfg)
    for attr in ('decode_head', 'auxiliary_head'):
        heads = model_cfg.get(attr)
        if heads is None:
            continue
        model_cfg[attr] = [plain_head_cfg(h, MODELS) for h in heads] \
            if isinstance(heads, list) else plain_head_cfg(heads, MODELS)
    return model_cfg


def crop_size(cfg: Config):
    for step in cfg.data.train.pipeline:
        if step['type'] == 'RandomCrop':
            return tuple(step['crop_size'])
    raise UsageError('no RandomCrop in the training pipeline: pass --crop')


def compute_full_projection(model) -> None:
    """Make the CAC heads compute the whole projection map, as before the
    projection's last conv ran at the anchors only."""
    for head in segmentor_of(model).heads():
        if head.with_cac:
            head.train_losses = partial(_full_projection_losses, head)


def _full_projection_losses(head, inputs, prev, gt_semantic_seg):
    out = head.cac_outputs(inputs, *prev)
    return head.losses(out.logits, gt_semantic_seg, out.confidence_logits,
                       out.projection)


def make_step(model_cfg: dict, cfg: Config, args, device,
              channels_last: bool = False, compile=None,
              full_projection: bool = False):
    """A function running one training step of a fresh model."""
    model_cfg = dict(copy.deepcopy(model_cfg), pretrained=None)
    model = build_segmentor(model_cfg).to(device).train()
    if full_projection:
        compute_full_projection(model)
    apply_speed_settings(model, compile,
                         channels_last or args.channels_last)
    optim_cfg = dict(type='OptimWrapper', optimizer=dict(cfg.optimizer))
    optim_cfg['optimizer'].pop('paramwise_cfg', None)
    wrapper = build_optim_wrapper(model, optim_cfg)
    if args.fp16:  # float16 on CUDA, bfloat16 on CPU
        wrapper = SkipNonFiniteAmpOptimWrapper(optimizer=wrapper.optimizer)
    h, w = args.crop or crop_size(cfg)
    g = torch.Generator().manual_seed(0)
    batch = dict(
        img=torch.randn(args.batch, 3, h, w, generator=g).to(device),
        img_metas=[dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                        pad_shape=(h, w, 3), flip=False)] * args.batch,
        gt_semantic_seg=torch.randint(0, model.num_classes,
                                      (args.batch, 1, h, w),
                                      generator=g).to(device))
    step = partial(model.train_step, batch, wrapper)
    step.params = sum(p.numel() for p in model.parameters())
    return step


def time_steps(steps: dict, args, device) -> dict:
    """Median seconds per step of each model, their steps interleaved so
    that load changes on the machine affect them alike, and the peak
    memory of one more step."""
    times = {name: [] for name in steps}
    for i in range(args.warmup + args.iters):
        for name, step in steps.items():
            _, seconds = timed_call(step, device)
            if i >= args.warmup:
                times[name].append(seconds)
    return {name: dict(seconds=statistics.median(times[name]),
                       spread=(min(times[name]), max(times[name])),
                       params=steps[name].params,
                       peak_mib=peak_memory_mib(steps[name], device))
            for name in steps}


def _python_frame(event) -> bool:
    """Whether a profiler event is a Python function (``with_stack``)."""
    return '.py(' in event.name


def _frame_key(event) -> str:
    """``path: function`` of a Python frame event, without the line."""
    path, _, rest = event.name.partition('(')
    if 'mmseg/' in path:
        path = 'mmseg/' + path.rsplit('mmseg/', 1)[1]
    return f'{path}: {rest.partition(": ")[2]}'


def _owner(event) -> str:
    """Where an operator ran: the backward pass, the optimizer, else the
    innermost project function (else Python function) that called it."""
    frame, parent = None, event.cpu_parent
    while parent is not None:
        if parent.name.startswith('autograd::engine'):
            return '(backward pass)'
        if _python_frame(parent):
            if 'torch/optim/' in parent.name:
                return '(optimizer step)'
            if 'mmseg/' in parent.name:
                return _frame_key(parent)
            frame = frame or parent
        parent = parent.cpu_parent
    return _frame_key(frame) if frame is not None else '(no Python caller)'


def profile_step(step, device, rows: int = 15) -> dict:
    """Profile one step (after one unprofiled step).

    Returns:
        ``seconds`` under the profiler, ``ops`` (operator: calls, self ms)
        and ``functions`` (project function: self ms of the operators it
        called), the ``rows`` largest each, and ``python_ms``: time in
        Python code between operators.
    """
    from torch.profiler import ProfilerActivity, profile
    step()
    activities = [ProfilerActivity.CPU]
    if device.type == 'cuda':
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities, with_stack=True) as prof:
        _, seconds = timed_call(step, device)
    ops = defaultdict(lambda: [0, 0.0])
    functions = defaultdict(float)
    python_us = 0.0
    for event in prof.events():
        if _python_frame(event):
            python_us += event.self_cpu_time_total
            continue
        if event.name.startswith('autograd::engine') or \
                not event.self_cpu_time_total:
            continue
        ops[event.name][0] += 1
        ops[event.name][1] += event.self_cpu_time_total / 1e3
        functions[_owner(event)] += event.self_cpu_time_total / 1e3
    top = sorted(ops.items(), key=lambda kv: -kv[1][1])[:rows]
    return dict(seconds=seconds, python_ms=python_us / 1e3,
                ops=[(name, calls, ms) for name, (calls, ms) in top],
                functions=sorted(functions.items(),
                                 key=lambda kv: -kv[1])[:rows])


def profile_table(name: str, result: dict) -> str:
    """Markdown of one :func:`profile_step` result."""
    total = result['seconds'] * 1e3
    lines = [f'## {name}: {total:.0f} ms per step under the profiler', '',
             f'Python between operators: {result["python_ms"]:.0f} ms '
             f'({100 * result["python_ms"] / total:.1f}%).', '',
             '| operator | calls | self ms | share |', '| --- | --- | --- '
             '| --- |']
    lines += [f'| `{op}` | {calls} | {ms:.1f} | {100 * ms / total:.1f}% |'
              for op, calls, ms in result['ops']]
    lines += ['', '| called from | self ms of its operators | share |',
              '| --- | --- | --- |']
    lines += [f'| `{fn}` | {ms:.1f} | {100 * ms / total:.1f}% |'
              for fn, ms in result['functions']]
    return '\n'.join(lines) + '\n'


def profile_models(steps: dict, out: str, device) -> dict:
    """Profile each step of ``steps`` and write the tables to ``out``."""
    results = {name: profile_step(step, device)
               for name, step in steps.items()}
    text = ''.join(profile_table(name, result) + '\n'
                   for name, result in results.items())
    if osp.dirname(out):
        os.makedirs(osp.dirname(out), exist_ok=True)
    with open(out, 'w') as f:
        f.write(text)
    print(text)
    return results


def time_data_pipeline(cfg: Config, args) -> float:
    """Images per second of the training data loader alone."""
    from mmengine.runner import Runner

    from mmseg.engine.config_translation import split_dataloader
    loader = Runner.build_dataloader(
        dict(split_dataloader(cfg, 'train', seed=0), batch_size=args.batch),
        seed=0)
    batches = iter(loader)
    for _ in range(args.warmup):
        next(batches)
    start = time.perf_counter()
    for _ in range(args.iters):
        next(batches)
    return args.iters * args.batch / (time.perf_counter() - start)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--baseline', help='baseline config (default: the '
                        'config with plain heads and no CAC loss)')
    parser.add_argument('--crop', type=int, nargs=2,
                        help='image size (default: the config crop)')
    parser.add_argument('--batch', type=int, default=2,
                        help='images per step (per GPU in the configs)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--iters', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--fp16', action='store_true',
                        help='mixed precision: float16 (CUDA) or bfloat16 '
                        '(CPU)')
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument('--data', action='store_true',
                        help='also time the training data pipeline')
    parser.add_argument('--full-projection', action='store_true',
                        help='also time the config with the projection '
                        'computed on the whole map instead of the anchors')
    parser.add_argument('--settings', action='store_true',
                        help='compare eager, channels-last and compiled '
                        'steps of the config model')
    parser.add_argument('--compile-backend', default='inductor',
                        help='torch.compile backend for --settings')
    parser.add_argument('--compare-028', metavar='ENV',
                        help='also time the config model and its baseline '
                        'in the MMSeg 0.28 environment ENV (a venv with '
                        'mmseg 0.28 and the original CAC code, see '
                        'docs/benchmarks.md), interleaved with ours')
    parser.add_argument('--ours', nargs='+', default=['eager',
                                                      'channels_last'],
                        choices=sorted(SETTINGS), help='our settings '
                        'timed against 0.28 (--compare-028)')
    parser.add_argument('--rounds', type=int, default=3,
                        help='rounds of --iters steps each after --warmup '
                        'warm-up rounds (--compare-028)')
    parser.add_argument('--profile', metavar='OUT',
                        help='profile one step of the config model and its '
                        'baseline; write the top operators and project '
                        'functions to OUT (markdown)')
    parser.add_argument('--threads', type=int,
                        help='torch intra-op threads (default: torch\'s)')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VAL')
    return parser.parse_args(argv)


# our speed settings by name: (channels_last, compiled)
SETTINGS = dict(eager=(False, False), channels_last=(True, False),
                compiled=(False, True), compiled_channels_last=(True, True))


def setting_step(name: str, model_cfg: dict, cfg: Config, args, device):
    """``make_step`` with the speed setting called ``name``."""
    channels_last, compiled = SETTINGS[name]
    return make_step(model_cfg, cfg, args, device,
                     channels_last=channels_last,
                     compile=dict(backend=args.compile_backend)
                     if compiled else None)


BUILD_028 = ('build one as docs/benchmarks.md ("The MMSeg 0.28 '
             'environment") says')


class Remote028:
    """Training steps in a MMSeg 0.28 environment: ``step_028.py`` run by
    that environment's Python, one JSON request and answer per line.

    Args:
        env: The environment's root (``env/bin/python``); ``env/stub``,
            where present, goes on its ``PYTHONPATH``.
        threads: torch intra-op threads, as ours.
    """

    def __init__(self, env: str, threads: int):
        python = osp.join(env, 'bin', 'python')
        if not osp.isfile(python):
            raise UsageError(f'--compare-028 {env}: no {python}; '
                             f'{BUILD_028}')
        environ = dict(os.environ)
        stub = osp.join(env, 'stub')
        if osp.isdir(stub):
            environ['PYTHONPATH'] = os.pathsep.join(
                p for p in (stub, environ.get('PYTHONPATH')) if p)
        driver = osp.join(osp.dirname(osp.abspath(__file__)), 'step_028.py')
        self.env = env
        self.proc = subprocess.Popen(
            [python, driver, '--threads', str(threads)], cwd=env,
            env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        self.ready = self._answer()

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise UsageError(f'--compare-028 {self.env}: step_028.py ended '
                             f'without an answer (see its stderr); '
                             f'{BUILD_028}')
        answer = json.loads(line)
        if 'error' in answer:
            print(answer.get('traceback', ''), file=sys.stderr)
            self.close()
            raise UsageError(f'--compare-028 {self.env}: {answer["error"]}; '
                             f'{BUILD_028}')
        return answer

    def request(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + '\n')
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write(json.dumps(dict(cmd='quit')) + '\n')
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def model_for_028(model_cfg: dict) -> dict:
    """The model config as plain JSON for 0.28: no pretrained weights, and
    BN for SyncBN (one CPU process)."""
    def convert(node):
        if isinstance(node, dict):
            node = {k: convert(v) for k, v in node.items()}
            if node.get('type') == 'SyncBN':
                node['type'] = 'BN'
            return node
        if isinstance(node, (list, tuple)):
            return [convert(v) for v in node]
        return node
    return dict(convert(model_cfg), pretrained=None)


def _spread(values) -> dict:
    return dict(median=statistics.median(values), low=min(values),
                high=max(values), rounds=list(values))


def compare_028(cfg: Config, args, device) -> dict:
    """Steps of the baseline and the config model in MMSeg 0.28 and with
    each of our ``--ours`` settings, one step of each in turn.

    Returns:
        Per model: per side the median seconds of each round, and per
        setting the time ratio ours / 0.28 and the speed-up 0.28 / ours
        of each round with their median and spread.
    """
    if device.type != 'cpu':
        raise UsageError('--compare-028 runs on the CPU only (the 0.28 '
                         'environment has a CPU torch)')
    remote = Remote028(args.compare_028, torch.get_num_threads())
    h, w = args.crop or crop_size(cfg)
    optimizer = dict(cfg.optimizer)
    optimizer.pop('paramwise_cfg', None)
    models = dict(baseline=baseline_of(cfg.model), config=cfg.model)
    sides = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            for name, model_cfg in models.items():
                remote.request(cmd='build', name=name,
                               model=model_for_028(model_cfg),
                               optimizer=optimizer, batch=args.batch,
                               crop=[h, w])
                sides[name] = {setting: setting_step(setting, model_cfg, cfg,
                                                     args, device)
                               for setting in args.ours}
            times = {name: defaultdict(list) for name in models}
            load = [os.getloadavg()]
            for round_ in range(args.warmup + args.rounds):
                for name in models:
                    this_round = defaultdict(list)
                    for _ in range(args.iters):
                        for setting, step in sides[name].items():
                            this_round[setting].append(
                                timed_call(step, device)[1])
                        this_round['mmseg028'] += remote.request(
                            cmd='step', name=name, n=1)['seconds']
                    if round_ >= args.warmup:
                        for side, values in this_round.items():
                            times[name][side].append(
                                statistics.median(values))
            load.append(os.getloadavg())
    finally:
        remote.close()
    report = dict(load=load, threads=torch.get_num_threads())
    print(f'training step, batch {args.batch} of {h}x{w} on {device}, '
          f'{torch.get_num_threads()} threads in both processes; each '
          f'round: median of {args.iters} steps, the sides in turn; '
          f'{args.rounds} rounds after {args.warmup} warm-up')
    print('  load average before {:.2f} {:.2f} {:.2f}, after '
          '{:.2f} {:.2f} {:.2f}'.format(*load[0], *load[1]))
    for name, model_times in times.items():
        ref = model_times['mmseg028']
        result = dict(mmseg028=_spread(ref))
        label = 'CAC config' if name == 'config' else 'baseline'
        print(f'  {label}: MMSeg 0.28 '
              f'{" ".join(f"{t:.3f}" for t in ref)} s')
        for setting in args.ours:
            ours = model_times[setting]
            result[setting] = dict(
                seconds=_spread(ours),
                ratio=_spread([o / r for o, r in zip(ours, ref)]),
                speed_up=_spread([r / o for o, r in zip(ours, ref)]))
            up, ratios = result[setting]['speed_up'], \
                result[setting]['ratio']['rounds']
            print(f'    ours {setting:22s} '
                  f'{" ".join(f"{t:.3f}" for t in ours)} s  ours/0.28 '
                  f'{" ".join(f"{x:.3f}" for x in ratios)}  speed-up '
                  f'{up["median"]:.3f}x ({up["low"]:.3f}-{up["high"]:.3f})')
        report[name] = result
    return report


def compare_settings(cfg: Config, args, device) -> dict:
    """Seconds per step of the config model eager, channels-last and
    compiled, interleaved; ratios are eager / setting (>1: faster)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        results = time_steps(dict(
            eager=make_step(cfg.model, cfg, args, device),
            channels_last=make_step(cfg.model, cfg, args, device,
                                    channels_last=True),
            compiled=make_step(cfg.model, cfg, args, device,
                               compile=dict(backend=args.compile_backend))),
            args, device)
    h, w = args.crop or crop_size(cfg)
    print(f'training step, batch {args.batch} of {h}x{w} on {device}, '
          f'median of {args.iters} interleaved rounds after {args.warmup} '
          f'warm-up (compile backend {args.compile_backend})')
    eager = results['eager']['seconds']
    for name, result in results.items():
        low, high = result['spread']
        result['speed_up'] = eager / result['seconds']
        print(f'  {name:13s} {result["seconds"]:8.3f} s/iter '
              f'(rounds {low:.3f}-{high:.3f})  '
              f'speed-up {result["speed_up"]:5.3f}x')
    return results


def main(argv=None) -> dict:
    args = parse_args(argv)
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.cfg_options)
    if args.compare_028:
        return compare_028(cfg, args, device)
    if args.settings:
        return compare_settings(cfg, args, device)
    base_model = load_config(args.baseline).model if args.baseline \
        else baseline_of(cfg.model)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN -> BN on CPU, etc.
        steps = dict(config=make_step(cfg.model, cfg, args, device),
                     baseline=make_step(base_model, cfg, args, device))
        if args.full_projection:
            steps['full_proj'] = make_step(cfg.model, cfg, args, device,
                                           full_projection=True)
        if args.profile:
            return profile_models(steps, args.profile, device)
        results = time_steps(steps, args, device)
    ours, base = results['config'], results['baseline']
    h, w = args.crop or crop_size(cfg)
    print(f'training step, batch {args.batch} of {h}x{w} on {device}, '
          f'median of {args.iters} after {args.warmup} warm-up')
    for name, result in results.items():
        print(f'  {name:9s} {result["seconds"]:8.3f} s/iter  '
              f'{args.batch / result["seconds"]:7.2f} img/s  '
              f'peak memory {result["peak_mib"]:.0f} MiB  '
              f'{result["params"]:,} parameters')
    ratio = ours['seconds'] / base['seconds']
    print(f'  ratio     {ratio:8.3f}  (config / baseline)')
    report = dict(results, ratio=ratio)
    if args.full_projection:
        report['full_proj_ratio'] = \
            results['full_proj']['seconds'] / base['seconds']
        print(f'  ratio     {report["full_proj_ratio"]:8.3f}  (full_proj / '
              'baseline)')
    if args.data:
        report['data_img_per_s'] = time_data_pipeline(cfg, args)
        print(f'  data pipeline alone {report["data_img_per_s"]:7.2f} img/s '
              f'with {cfg.data.workers_per_gpu} worker(s); model step '
              f'{args.batch / ours["seconds"]:7.2f} img/s')
    return report


if __name__ == '__main__':
    run_cli(main)
