"""One command that measures every GPU figure of docs/benchmarks.md.

Each part is a function with its own time budget; a failing part is
recorded and the others still run. Writes ``gpu_check.json`` and
``gpu_check.md`` in ``--out-dir``. No network: random init, synthetic data
generated under ``--out-dir/scratch``. ``--dry-run`` runs the same code
paths at tiny sizes on the CPU (autocast there is bfloat16, see
``mmseg/utils/amp.py``).

    python tools/analysis/gpu_check.py --out-dir OUT [--dry-run]
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
import time
import traceback
from typing import Callable, Dict, List

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAC_W48 = 'configs/cac_hrnet/fcn_hr48_4x2_512x1024_40k_cityscapes_lr0.01_0.4_0.1_1.5.py'  # noqa: E501
SMALL = ('configs/cac_hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
         'cityscapes_0.4_0.1_1.5.py')
# seconds per part on the GPU (total 420 s, under the 8 minute target)
BUDGETS = dict(cac_loss=30, train_step=90, amp_training=90,
               fp16_inference=30, dist_train=90, inference=90)
LOSS_TOLERANCE = 0.05  # relative, per logged iteration


def load_tool(path: str):
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0], osp.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Check:
    """Sizes of one run: the GPU's or the dry run's."""

    def __init__(self, out_dir: str, dry_run: bool):
        self.out_dir = osp.abspath(out_dir)
        self.scratch = osp.join(self.out_dir, 'scratch')
        self.dry = dry_run
        self.device = 'cpu' if dry_run else 'cuda'
        self.crop = (32, 64) if dry_run else (512, 1024)
        self.full = (64, 128) if dry_run else (1024, 2048)
        self.iters = 4 if dry_run else 40
        # the W48 config at tiny widths and depths (one module and one
        # block per stage), for the dry run's model parts
        extra = 'model.backbone.extra'
        self.tiny_w48 = [
            f'{extra}.stage1.num_blocks=(1,)',
            f'{extra}.stage2.num_blocks=(1,1)',
            f'{extra}.stage2.num_channels=(4,8)',
            f'{extra}.stage3.num_modules=1',
            f'{extra}.stage3.num_blocks=(1,1,1)',
            f'{extra}.stage3.num_channels=(4,8,16)',
            f'{extra}.stage4.num_modules=1',
            f'{extra}.stage4.num_blocks=(1,1,1,1)',
            f'{extra}.stage4.num_channels=(4,8,16,32)',
            'model.decode_head.in_channels=[4,8,16,32]',
            'model.decode_head.channels=60']

    def data(self, name: str, size) -> str:
        from mmseg.datasets.synthetic import generate_cityscapes
        root = osp.join(self.scratch, name)
        if not osp.isdir(root):
            generate_cityscapes(root, num_train=4 if self.dry else 16,
                                num_val=2 if self.dry else 8, num_test=0,
                                size=size, seed=0)
        return root

    def data_options(self, root: str, scale) -> List[str]:
        return [f'data.{s}.data_root={root}' for s in ('train', 'val',
                                                       'test')] + [
            f'data.test.pipeline.1.img_scale=({scale[1]},{scale[0]})']


def part_cac_loss(c: Check) -> dict:
    tool = load_tool('tools/analysis/benchmark_cac_loss.py')
    sizes = ['--size', '16', '32', '--label-size', '64', '128', '--feat-dim',
             '16', '--max-sample', '128', '--threshold', '10'] \
        if c.dry else []
    argv = ['--device', c.device, '--warmup', '1', '--repeat',
            '1' if c.dry else '10'] + sizes
    report = tool.main(argv)
    args = tool.parse_args(argv)
    device = torch.device(c.device)
    from mmseg.models import build_loss
    from mmseg.utils.amp import amp_dtype
    loss_fn = build_loss(dict(type='CACLoss', loss_weight=0.4,
                              max_sample=args.max_sample,
                              threshold=args.threshold,
                              hard_sort_hardmining=True,
                              easy_sort_hardmining=True))
    inputs = tool.make_inputs(args, device)
    dtype = amp_dtype(device.type)
    half = [t.to(dtype) if t.is_floating_point() else t for t in inputs]

    def under_autocast(*x):
        with torch.autocast(device.type, dtype=dtype):
            loss = loss_fn(*x)
        assert loss.dtype == torch.float32 and torch.isfinite(loss)
        return loss

    seconds, mib = tool.time_fn(under_autocast, half, args, device)
    return dict(vectorised_ms=report['vectorised'] * 1e3,
                loop_ms=report['loop'] * 1e3, speedup=report['speedup'],
                vectorised_mib=report['vectorised_mib'],
                autocast_ms=seconds * 1e3, autocast_mib=mib,
                autocast_dtype=str(dtype))


def part_train_step(c: Check) -> dict:
    tool = load_tool('tools/analysis/benchmark_train.py')
    options = ['--cfg-options', *c.tiny_w48,
               'model.decode_head.proj_channel=16'] if c.dry else []
    result = {}
    for name, extra in (('fp32', []), ('amp', ['--fp16'])):
        r = tool.main([osp.join(ROOT, CAC_W48), '--device', c.device,
                       '--crop', *map(str, c.crop), '--batch', '2',
                       '--warmup', '1', '--iters', '1' if c.dry else '5',
                       *extra, *options])
        result[name] = dict(cac_s=r['config']['seconds'],
                            baseline_s=r['baseline']['seconds'],
                            ratio=r['ratio'],
                            cac_mib=r['config']['peak_mib'],
                            baseline_mib=r['baseline']['peak_mib'])
    return result


def train(c: Check, work_dir: str, options: List[str],
          launcher: List[str] = ()) -> None:
    root = c.data('small', (64, 128) if c.dry else (256, 512))
    crop = 32 if c.dry else 192
    config = [osp.join(ROOT, SMALL)]
    if launcher:  # dist_train.sh CONFIG GPUS [options]
        cmd = [*launcher, *config, '1']
    else:
        cmd = [sys.executable, osp.join(ROOT, 'tools/train.py'), *config]
    cmd += ['--work-dir', work_dir, '--seed', '0',
            '--no-validate', '--cfg-options',
            *c.data_options(root, (64, 128) if c.dry else (256, 512)),
            f'data.train.pipeline.3.crop_size=({crop},{crop})',
            f'data.train.pipeline.7.size=({crop},{crop})',
            'data.samples_per_gpu=2', 'data.workers_per_gpu=0',
            'log_config.interval=1', 'custom_hooks.0.start_iter=1',
            *options]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True,
                   text=True, env=dict(os.environ, PYTHONPATH=ROOT))


def losses(work_dir: str) -> List[float]:
    log = sorted(f for f in os.listdir(work_dir) if f.endswith('.log.json'))
    with open(osp.join(work_dir, log[-1])) as f:
        rows = [json.loads(line) for line in f if '"loss"' in line]
    return [r['loss'] for r in rows]


def part_amp_training(c: Check) -> dict:
    runs = {}
    amp = ['+fp16.loss_scale=dynamic']  # a key the config does not have
    for name, extra in (('fp32', []), ('amp', amp)):
        work_dir = osp.join(c.scratch, f'amp_training_{name}')
        train(c, work_dir, [f'runner.max_iters={c.iters}',
                            f'checkpoint_config.interval={c.iters}', *extra])
        runs[name] = losses(work_dir)
    fp32, amp = runs['fp32'], runs['amp']
    worst = max(abs(a - b) / abs(b) for a, b in zip(amp, fp32))
    finite = all(torch.isfinite(torch.tensor(amp)).tolist())
    return dict(iters=len(amp), loss_fp32=fp32, loss_amp=amp,
                max_relative_difference=worst, tolerance=LOSS_TOLERANCE,
                finite=finite, ok=finite and worst <= LOSS_TOLERANCE)


def part_fp16_inference(c: Check) -> dict:
    work_dir = osp.join(c.scratch, 'amp_training_fp32')
    checkpoint = osp.join(work_dir, f'iter_{c.iters}.pth')
    if not osp.isfile(checkpoint):
        train(c, work_dir, [f'runner.max_iters={c.iters}',
                            f'checkpoint_config.interval={c.iters}'])
    root = c.data('small', (64, 128) if c.dry else (256, 512))
    r = load_tool('tools/benchmark.py').main([
        osp.join(ROOT, SMALL), checkpoint, '--device', c.device, '--fp16',
        '--compare-fp32', '--cfg-options',
        *c.data_options(root, (64, 128) if c.dry else (256, 512))])
    diff = 100 * (r['miou_fp16'] - r['miou_fp32'])
    return dict(miou_fp16=100 * r['miou_fp16'],
                miou_fp32=100 * r['miou_fp32'], difference=diff,
                ok=abs(diff) <= 0.1)


def part_dist_train(c: Check) -> dict:
    work_dir = osp.join(c.scratch, 'dist_train')
    launcher = ['bash', osp.join(ROOT, 'tools/dist_train.sh')]
    half = c.iters // 2
    common = ['model.backbone.norm_cfg.type=SyncBN',
              'model.decode_head.norm_cfg.type=SyncBN',
              f'checkpoint_config.interval={half}']
    os.environ.setdefault('PORT', '29531')
    train(c, work_dir, [f'runner.max_iters={half}', *common],
          launcher=[*launcher])
    train(c, work_dir, [f'runner.max_iters={c.iters}', *common,
                        f'resume_from={work_dir}/iter_{half}.pth'],
          launcher=[*launcher])
    final = osp.join(work_dir, f'iter_{c.iters}.pth')
    return dict(backend='gloo' if c.dry else 'nccl', resumed_at=half,
                finished=osp.isfile(final), ok=osp.isfile(final))


def part_inference(c: Check) -> dict:
    root = c.data('full', c.full)
    tool = load_tool('tools/benchmark.py')
    h, w = c.full
    result = {}
    options = c.data_options(root, c.full)
    if c.dry:
        options += c.tiny_w48
    for mode in ('whole', 'slide', 'aug'):
        r = tool.main([osp.join(ROOT, CAC_W48), '--random-init', '--mode',
                       mode, '--device', c.device, '--num-images',
                       '2' if c.dry else '8', '--slide-crop',
                       str(h // 2), str(w // 2), '--cfg-options', *options])
        result[f'{mode}_img_per_s'] = r['fps'][0]
    return dict(result, size=f'{h}x{w}')


PARTS: Dict[str, Callable[[Check], dict]] = dict(
    cac_loss=part_cac_loss, train_step=part_train_step,
    amp_training=part_amp_training, fp16_inference=part_fp16_inference,
    dist_train=part_dist_train, inference=part_inference)


def run_part(name: str, c: Check) -> dict:
    start = time.perf_counter()
    try:
        result = dict(status='ok', **PARTS[name](c))
    except Exception as error:  # recorded: the other parts still run
        detail = getattr(error, 'stderr', None) or traceback.format_exc()
        result = dict(status='failed', error=f'{type(error).__name__}: '
                      f'{error}', detail=str(detail)[-2000:])
    result['seconds'] = time.perf_counter() - start
    result['budget_s'] = BUDGETS[name]
    result['over_budget'] = result['seconds'] > BUDGETS[name]
    return result


def plain(value):
    """numpy / torch scalars as Python numbers for the JSON."""
    return value.item() if hasattr(value, 'item') else str(value)


def markdown(report: dict) -> str:
    lines = [f'# GPU check ({report["device"]})', '',
             '| part | status | seconds | figures |', '| --- | --- | --- | '
             '--- |']
    for name, r in report['parts'].items():
        figures = ', '.join(
            f'{k}={v:.4g}' if isinstance(v, float) else f'{k}={v}'
            for k, v in r.items() if k not in ('status', 'seconds', 'error',
                                               'detail', 'budget_s',
                                               'over_budget')
            and not isinstance(v, (list, dict)))
        for k, v in r.items():
            if isinstance(v, dict):
                figures += f'; {k}: ' + ', '.join(
                    f'{a}={b:.4g}' for a, b in v.items())
        if r['status'] != 'ok':
            figures = r['error'].replace('|', '/')[:200]
        lines.append(f'| {name} | {r["status"]} | {r["seconds"]:.1f} | '
                     f'{figures} |')
    return '\n'.join(lines) + '\n'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--dry-run', action='store_true',
                        help='tiny sizes on the CPU (same code paths)')
    parser.add_argument('--parts', nargs='+', choices=sorted(PARTS),
                        default=list(PARTS))
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    c = Check(args.out_dir, args.dry_run)
    if not c.dry and not torch.cuda.is_available():
        raise SystemExit('no CUDA device: run with --dry-run on a CPU')
    os.makedirs(c.scratch, exist_ok=True)
    report = dict(device=torch.cuda.get_device_name() if not c.dry
                  else 'cpu (dry run)', torch=torch.__version__,
                  dry_run=c.dry, parts={})
    for name in args.parts:
        print(f'[gpu_check] {name} ...', flush=True)
        report['parts'][name] = run_part(name, c)
        print(f'[gpu_check] {name}: {report["parts"][name]["status"]}',
              flush=True)
        with open(osp.join(c.out_dir, 'gpu_check.json'), 'w') as f:
            json.dump(report, f, indent=2, default=plain)
    with open(osp.join(c.out_dir, 'gpu_check.md'), 'w') as f:
        f.write(markdown(report))
    return report


if __name__ == '__main__':
    main()
