"""Short CPU training runs of the tiny CAC-OCRNet and CAC-SegFormer configs,
then tools/test.py on the checkpoint they save."""
import glob
import math
from functools import partial
from typing import Callable, NamedTuple, Tuple

import mmengine
import pytest

from mmseg.datasets.synthetic import generate_ade20k, generate_cityscapes
from tests.runs import json_log, run_tool

MAX_ITERS = 4
# last warm-up iteration (0-based): the CAC loss is 0 at iterations 0..1,
# logged as 1..2
WARMUP_ITERS = 1


class TinyRun(NamedTuple):
    config: str
    generate: Callable[..., dict]
    cac_loss: str  # key of the CAC loss in the JSON log
    samplers: Tuple[str, ...]  # OHEM samplers of the heads


RUNS = {
    'cac_ocrnet': TinyRun(
        'configs/cac_ocrnet/ocrnet_hr18tiny_2x4_192x192_500_synthetic_'
        'cityscapes_0.6_0.1_1.5.py', partial(generate_cityscapes, num_test=0),
        'decode_1.loss_cac',
        ('model.decode_head.0.sampler', 'model.decode_head.1.sampler')),
    'cac_segformer': TinyRun(
        'configs/cac_segformer/segformer_mit-tiny_2x4_128x128_500_synthetic_'
        'ade20k_1.8_0.1_1.5.py', generate_ade20k, 'decode.loss_cac',
        ('model.decode_head.sampler', )),
}


def run_options(run: TinyRun, root) -> list:
    """--cfg-options of a MAX_ITERS run on ``root`` with 96x96 crops,
    validation and a checkpoint at the end."""
    opts = {
        'runner.max_iters': MAX_ITERS,
        'evaluation.interval': MAX_ITERS,
        'checkpoint_config.interval': MAX_ITERS,
        'custom_hooks.0.start_iter': WARMUP_ITERS,
        'data.samples_per_gpu': 2,
        'data.workers_per_gpu': 0,
        'log_config.interval': 1,
        'data.train.pipeline.3.crop_size': '(96,96)',
        'data.train.pipeline.7.size': '(96,96)',
        **{f'data.{s}.data_root': str(root) for s in ('train', 'val',
                                                      'test')},
        **{f'{sampler}.min_kept': 500 for sampler in run.samplers},
    }
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


@pytest.fixture(scope='module', params=sorted(RUNS))
def tiny_run(request, tmp_path_factory):
    """The run, its --cfg-options and the work dir it trained in."""
    run = RUNS[request.param]
    root = tmp_path_factory.mktemp(f'{request.param}_data')
    run.generate(str(root), num_train=8, num_val=4, size=(128, 160), seed=3)
    options = run_options(run, root)
    work_dir = tmp_path_factory.mktemp(request.param)
    run_tool(['python', 'tools/train.py', run.config, '--work-dir',
              str(work_dir), '--seed', '0', '--deterministic', *options])
    return run, options, work_dir


def test_log_has_cac_losses_and_a_validation(tiny_run):
    run, _, work_dir = tiny_run
    records = json_log(work_dir)
    train = [r for r in records if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == list(range(1, MAX_ITERS + 1))
    for rec in train:
        losses = {k: v for k, v in rec.items() if 'loss' in k}
        assert {'loss', run.cac_loss} <= set(losses)
        assert all(math.isfinite(v) for v in losses.values()), losses
    cac = [r[run.cac_loss] for r in train]
    assert cac[:WARMUP_ITERS + 1] == [0] * (WARMUP_ITERS + 1)
    assert any(v > 0 for v in cac[WARMUP_ITERS + 1:])
    (val, ) = [r for r in records if r.get('mode') == 'val']
    assert val['iter'] == MAX_ITERS and 0 <= val['mIoU'] <= 1
    assert (work_dir / f'iter_{MAX_ITERS}.pth').is_file()


def test_checkpoint_reproduces_the_validation_miou(tiny_run, tmp_path):
    run, options, work_dir = tiny_run
    run_tool(['python', 'tools/test.py', run.config,
              str(work_dir / 'latest.pth'), '--eval', 'mIoU', '--work-dir',
              str(tmp_path), *options])
    (eval_file, ) = glob.glob(str(tmp_path / 'eval_single_scale_*.json'))
    (val, ) = [r for r in json_log(work_dir) if r.get('mode') == 'val']
    assert mmengine.load(eval_file)['metric']['mIoU'] == pytest.approx(
        val['mIoU'])
