"""The 0.28 → mmengine translation is a pure function of config data."""
import copy
import glob

import pytest
from mmengine.config import Config

from mmseg.engine import config_translation as lc
from mmseg.registry import (
    DATA_SAMPLERS,
    DATASETS,
    FUNCTIONS,
    HOOKS,
    LOOPS,
    METRICS,
    OPTIM_WRAPPERS,
    PARAM_SCHEDULERS,
    TRANSFORMS,
)
from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC

PLAIN = (str, int, float, bool, type(None))


def plain_leaves(obj, where='cfg'):
    """Fail on the first value that is not plain data."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            plain_leaves(value, f'{where}.{key}')
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            plain_leaves(value, f'{where}[{i}]')
    else:
        assert isinstance(obj, PLAIN), f'{where} is a {type(obj).__name__}'


def test_quick_start_config_translates_to_this_runner_config():
    cfg = Config.fromfile(REPO_ROOT / QUICK_CAC)
    before = cfg.pretty_text
    out = lc.train_config(cfg, '/work', seed=0)
    assert cfg.pretty_text == before  # nothing mutated
    plain_leaves(out)
    data = cfg.to_dict()['data']
    loader = dict(num_workers=1, persistent_workers=True, pin_memory=False,
                  collate_fn=dict(type='mmseg.seg_collate'),
                  worker_init_fn=dict(type='mmseg.training_worker_init',
                                      num_workers=1, seed=0))
    expected = dict(
        model=cfg.to_dict()['model'],
        work_dir='/work',
        train_dataloader=dict(
            loader, dataset=dict(type='mmseg.SeededDataset',
                                 dataset=data['train']),
            batch_size=4, drop_last=True,
            sampler=dict(type='mmseg.ResumableInfiniteSampler',
                         shuffle=True)),
        val_dataloader=dict(
            loader, dataset=dict(data['val'], test_mode=True), batch_size=1,
            drop_last=False,
            sampler=dict(type='DefaultSampler', shuffle=False)),
        val_cfg=dict(type='ValLoop'),
        val_evaluator=dict(type='DatasetMetric',
                           dataset=dict(data['val'], test_mode=True),
                           metric='mIoU', pre_eval=True,
                           class_table_on_console=False),
        optim_wrapper=dict(type='SkipNonFiniteOptimWrapper', optimizer=dict(
            type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0005)),
        param_scheduler=dict(type='LegacyLRScheduler', policy='poly',
                             max_progress=500, lr_by_epoch=False,
                             by_epoch=False, power=0.9, min_lr=0.0001),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=500,
                       val_interval=250),
        default_hooks=dict(
            timer=dict(type='IterTimerHook'),
            logger=dict(type='JsonLoggerHook', interval=50,
                        log_metric_by_epoch=False),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='AtomicCheckpointHook', interval=250,
                            by_epoch=False, meta={}, max_keep_ckpts=2,
                            save_best='mIoU', rule='greater'),
            sampler_seed=dict(type='DistSamplerSeedHook'),
            data_stream=dict(type='ResumeDataStreamHook'),
            nonfinite_loss=dict(type='NonFiniteLossHook', policy='stop'),
            stop_on_signal=dict(type='StopOnSignalHook', save_timeout=30)),
        custom_hooks=[dict(type='loss_weight_warmup_hook', start_iter=100,
                           loss_name='loss_cac'),
                      dict(type='ProgressBarHook')],
        load_from=None,
        resume=False,
        launcher='none',
        env_cfg=dict(cudnn_benchmark=True,
                     mp_cfg=dict(mp_start_method='fork',
                                 opencv_num_threads=0),
                     dist_cfg=dict(backend='gloo')),
        log_level='INFO',
        default_scope='mmseg',
        randomness=dict(seed=0, diff_rank_seed=False, deterministic=False),
        log_processor=dict(window_size=50, by_epoch=False),
        visualizer=dict(type='Visualizer', vis_backends=[
            dict(type='TensorboardVisBackend')]),
        model_wrapper_cfg=dict(type='MMDistributedDataParallel',
                               device_ids=None, broadcast_buffers=False,
                               find_unused_parameters=False),
        speed=dict(compile=None, channels_last=False))
    assert out == expected


def test_flags_keep_their_meaning():
    cfg = Config.fromfile(REPO_ROOT / QUICK_CAC)
    out = lc.train_config(cfg, '/w', validate=False, load_from='c.pth',
                          resume=True, seed=5, diff_seed=True,
                          deterministic=True, launcher='pytorch')
    assert 'val_dataloader' not in out and 'val_evaluator' not in out
    assert 'save_best' not in out['default_hooks']['checkpoint']
    assert (out['load_from'], out['resume']) == ('c.pth', True)
    assert out['randomness'] == dict(seed=5, diff_rank_seed=True,
                                     deterministic=True)
    assert out['custom_hooks'][-1] == dict(type='AverageBuffersHook')


def _types(node):
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            yield node['type']
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _types(value)


CONFIGS = sorted(glob.glob(str(REPO_ROOT / 'configs' / '**' / '*.py'),
                           recursive=True))


@pytest.mark.parametrize('path', [p for p in CONFIGS if '/_base_/' not in p],
                         ids=lambda p: p.split('configs/')[-1])
def test_every_shipped_config_translates(path):
    cfg = Config.fromfile(path)
    snapshot = copy.deepcopy(cfg.to_dict())
    train = lc.train_config(cfg, '/w', seed=0)
    test = lc.test_config(cfg, '/w', dict(metric='mIoU'))
    assert cfg.to_dict() == snapshot
    for out in (train, test):
        plain_leaves(out)
    engine = {k: train[k] for k in ('optim_wrapper', 'param_scheduler',
                                    'train_cfg', 'default_hooks',
                                    'custom_hooks')}
    engine['test'] = {k: test[k] for k in ('test_cfg', 'test_evaluator')}
    engine['loaders'] = [{k: v for k, v in d.items() if k != 'dataset'}
                         for d in (train['train_dataloader'],
                                   train['val_dataloader'],
                                   test['test_dataloader'])]
    registries = (HOOKS, LOOPS, OPTIM_WRAPPERS, PARAM_SCHEDULERS, METRICS,
                  DATA_SAMPLERS, FUNCTIONS, DATASETS, TRANSFORMS)
    for name in _types(engine):
        if name in ('IterBasedTrainLoop', 'EpochBasedTrainLoop', 'TestLoop',
                    'ValLoop', 'SGD', 'AdamW', 'Adam'):
            continue
        assert any(r.get(name) is not None for r in registries), (
            f'{path}: {name} is not registered')
