"""LegacyLRScheduler reproduces MMCV 1.x learning rates at every iteration."""
import glob

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from mmseg.engine.schedulers import LegacyLRScheduler, lr_config_to_scheduler
from tests.conftest import REPO_ROOT

SCHEDULES = sorted(glob.glob(str(REPO_ROOT / 'configs/_base_/schedules/*.py')))
SEGFORMER = REPO_ROOT / ('configs/segformer/segformer_mit-b0_4x4_512x512_'
                         '160k_ade20k_lr0.00006_baseline.py')


def mmcv_lr(base, it, max_iters, power, min_lr, warmup=None,
            warmup_iters=0, warmup_ratio=0.1):
    """The 0.28 (MMCV LrUpdaterHook) formula, written out."""
    lr = (base - min_lr) * (1 - it / max_iters)**power + min_lr
    if warmup and it < warmup_iters:
        if warmup == 'linear':
            lr *= 1 - (1 - it / warmup_iters) * (1 - warmup_ratio)
        elif warmup == 'constant':
            lr *= warmup_ratio
        else:
            lr *= warmup_ratio**(1 - it / warmup_iters)
    return lr


def build(cfg, base_lr=0.01):
    model = torch.nn.Linear(2, 2)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=base_lr))
    sched_cfg = dict(cfg)
    sched_cfg.pop('type')
    return wrapper, LegacyLRScheduler(wrapper, **sched_cfg)


def scheduled_lrs(cfg, iters, base_lr=0.01):
    """The rates the scheduler sets at ``iters``, stepping every iteration."""
    wrapper, scheduler = build(cfg, base_lr)
    seen = {}
    for it in range(max(iters) + 1):
        if it in iters:
            seen[it] = wrapper.get_lr()['lr'][0]
        wrapper.step()
        scheduler.step()
    return seen


def closed_form_lrs(cfg, iters, base_lr=0.01):
    """The rates at ``iters`` of a long schedule, without stepping 1e5x."""
    _, scheduler = build(cfg, base_lr)
    return {it: scheduler.lr_at(base_lr, it) for it in iters}


def checkpoints(max_iters, warmup_iters=0):
    points = {0, 1, max_iters // 2, max_iters - 1}
    if warmup_iters:
        points |= {warmup_iters - 1, warmup_iters}
    return sorted(points)


@pytest.mark.parametrize('path', SCHEDULES)
def test_base_schedules_match_mmcv(path):
    cfg = Config.fromfile(path)
    max_iters = cfg.runner.max_iters
    lr_cfg = dict(cfg.lr_config)
    sched = lr_config_to_scheduler(lr_cfg, max_iters, None)
    base = cfg.optimizer.lr
    got = closed_form_lrs(sched, checkpoints(max_iters), base)
    for it, lr in got.items():
        expected = mmcv_lr(base, it, max_iters, lr_cfg['power'],
                           lr_cfg['min_lr'])
        assert lr == pytest.approx(expected, rel=1e-12, abs=1e-15), it


def test_segformer_adamw_schedule_with_linear_warmup():
    cfg = Config.fromfile(SEGFORMER)
    lr_cfg = dict(cfg.lr_config)
    assert lr_cfg['warmup'] == 'linear'
    max_iters = cfg.runner.max_iters
    sched = lr_config_to_scheduler(lr_cfg, max_iters, None)
    base = cfg.optimizer.lr
    points = checkpoints(max_iters, lr_cfg['warmup_iters'])
    got = closed_form_lrs(sched, points, base)
    for it, lr in got.items():
        expected = mmcv_lr(base, it, max_iters, lr_cfg['power'],
                           lr_cfg['min_lr'], 'linear',
                           lr_cfg['warmup_iters'], lr_cfg['warmup_ratio'])
        assert lr == pytest.approx(expected, rel=1e-12, abs=1e-18), it


@pytest.mark.parametrize('warmup', ['linear', 'constant', 'exp'])
def test_stepping_sets_the_rate_of_every_iteration(warmup):
    lr_cfg = dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False,
                  warmup=warmup, warmup_iters=30, warmup_ratio=1e-3)
    iters = list(range(200))
    got = scheduled_lrs(lr_config_to_scheduler(lr_cfg, 200, None), iters)
    for it in iters:
        assert got[it] == pytest.approx(
            mmcv_lr(0.01, it, 200, 0.9, 1e-4, warmup, 30, 1e-3),
            rel=1e-12), it


@pytest.mark.parametrize('warmup', ['constant', 'exp'])
def test_other_warmups(warmup):
    lr_cfg = dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False,
                  warmup=warmup, warmup_iters=10, warmup_ratio=0.1)
    got = scheduled_lrs(lr_config_to_scheduler(lr_cfg, 100, None),
                        [0, 5, 9, 10, 50])
    for it, lr in got.items():
        assert lr == pytest.approx(
            mmcv_lr(0.01, it, 100, 0.9, 1e-4, warmup, 10, 0.1)), it


def test_step_policy_and_per_epoch_progress():
    step = lr_config_to_scheduler(
        dict(policy='step', step=[3, 6], gamma=0.5, by_epoch=False), 10,
        None)
    got = scheduled_lrs(step, [0, 2, 3, 5, 6, 9], base_lr=1.0)
    assert [got[i] for i in (0, 2, 3, 5, 6, 9)] == [1, 1, .5, .5, .25, .25]
    per_epoch = lr_config_to_scheduler(
        dict(policy='poly', power=1.0, min_lr=0., by_epoch=True), None, 4)
    per_epoch['epoch_length'] = 5
    got = scheduled_lrs(per_epoch, [0, 4, 5, 19], base_lr=1.0)
    assert got == {0: 1.0, 4: 1.0, 5: 0.75, 19: 0.25}


def test_paramwise_lr_mult_scales_the_scheduled_rate():
    from mmengine.optim import build_optim_wrapper
    model = torch.nn.ModuleDict(dict(backbone=torch.nn.Linear(2, 2),
                                     head=torch.nn.Linear(2, 2)))
    wrapper = build_optim_wrapper(model, dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.004, momentum=0.9),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)})))
    cfg = lr_config_to_scheduler(
        dict(policy='poly', power=0.9, min_lr=0, by_epoch=False), 100, None)
    cfg.pop('type')
    scheduler = LegacyLRScheduler(wrapper, **cfg)
    for _ in range(50):
        wrapper.step()
        scheduler.step()
    lrs = sorted(g['lr'] for g in wrapper.param_groups)
    assert lrs[0] == pytest.approx(mmcv_lr(0.004, 50, 100, 0.9, 0))
    assert lrs[-1] == pytest.approx(10 * lrs[0])


def test_bad_lr_config_is_reported():
    with pytest.raises(ValueError, match='policy'):
        LegacyLRScheduler(OptimWrapper(torch.optim.SGD(
            torch.nn.Linear(1, 1).parameters(), lr=1)), policy='cyclic')
    with pytest.raises(ValueError, match='unsupported keys'):
        lr_config_to_scheduler(dict(policy='poly', bogus=1), 10, None)
