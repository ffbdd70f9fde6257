"""Translate an MMSegmentation 0.28 config into an mmengine Runner config.

The 0.28 dialect (``data``, ``optimizer``, ``optimizer_config``,
``lr_config``, ``runner``, ``checkpoint_config``, ``evaluation``,
``log_config``, ``custom_hooks``, ...) stays the config format; this module
is the only place that knows how it maps onto mmengine. The translation is
data to data: :func:`train_config` and :func:`test_config` take the 0.28
config and return the keyword arguments of ``ResumableRunner`` as plain dicts,
with datasets, samplers, collate and worker functions, hooks, loops and
evaluators named by registry type. Nothing is built and the input is not
changed; ``ResumableRunner.from_cfg`` builds everything. Keys the translation
does not know are reported in the log, never silently dropped.
"""
import copy
import os
from typing import List, Optional

import torch
from mmengine.config import Config
from mmengine.logging import print_log

from mmseg.datasets.builder import expand_dataset_cfg

from .schedulers import lr_config_to_scheduler

# top-level names 0.28 configs use as variables for other sections
CONFIG_VARIABLES = {
    'norm_cfg', 'dataset_type', 'data_root', 'img_norm_cfg', 'crop_size',
    'train_pipeline', 'test_pipeline', 'checkpoint', 'img_scale',
    'backbone_norm_cfg', 'find_unused_parameters', 'model_wrapper_cfg',
    'custom_imports', 'gpu_ids', 'work_dir', 'seed', 'device',
    'auto_resume', 'default_scope'
}
TRAIN_KEYS = {
    'model', 'data', 'optimizer', 'optimizer_config', 'lr_config', 'runner',
    'checkpoint_config', 'evaluation', 'log_config', 'custom_hooks',
    'load_from', 'resume_from', 'workflow', 'dist_params', 'cudnn_benchmark',
    'log_level', 'fp16', 'total_iters', 'nonfinite_loss',
    'interrupt_save_timeout', 'compile', 'channels_last'
}


def report_unknown_keys(cfg: Config, known=TRAIN_KEYS) -> List[str]:
    """Warn about top-level keys that the translation does not use."""
    unknown = sorted(set(cfg.keys()) - known - CONFIG_VARIABLES)
    if unknown:
        print_log(f'config keys not used by this toolbox (ignored): '
                  f'{", ".join(unknown)}', 'current', level=30)
    return unknown


def _warn_extra(section: str, cfg: dict, known) -> None:
    extra = sorted(set(cfg) - set(known))
    if extra:
        print_log(f'{section}: keys ignored: {", ".join(extra)}', 'current',
                  level=30)


def dataloader(dataset: dict, batch_size: int, num_workers: int,
               sampler: str, shuffle: bool, **overrides) -> dict:
    """An mmengine dataloader config around a dataset config.

    ``overrides`` are 0.28 ``data.<split>_dataloader`` keys
    (``samples_per_gpu``, ``workers_per_gpu``, ``shuffle``, ``drop_last``,
    ``pin_memory``, ``persistent_workers``).
    """
    batch_size = overrides.pop('samples_per_gpu', batch_size)
    num_workers = overrides.pop('workers_per_gpu', num_workers)
    shuffle = overrides.pop('shuffle', shuffle)
    persistent = overrides.pop('persistent_workers', num_workers > 0)
    _warn_extra('dataloader', overrides, ('drop_last', 'pin_memory'))
    return dict(
        dataset=dataset,
        batch_size=batch_size,
        num_workers=num_workers,
        persistent_workers=persistent and num_workers > 0,
        drop_last=overrides.get('drop_last', False),
        pin_memory=overrides.get('pin_memory', False),
        sampler=dict(type=sampler, shuffle=shuffle),
        collate_fn=dict(type='mmseg.seg_collate'))


def split_dataloader(cfg: Config, split: str, iter_based: bool = True,
                     seed: Optional[int] = None) -> dict:
    """The dataloader config of ``cfg.data.<split>`` (train, val or test).

    The one data-loader recipe of the tools: training draws an endless,
    resumable, per-sample seeded stream (``ResumableInfiniteSampler`` +
    ``SeededDataset``; mmengine's ``DefaultSampler`` for epoch-based
    runs) and its workers ignore Ctrl-C; validation and testing read every
    image once, one per batch, in order.

    Args:
        cfg: The 0.28 config.
        split: 'train', 'val' or 'test'.
        iter_based: Training is iteration-based.
        seed: Run seed for the training workers (None: the runner's).
    """
    data = cfg.data
    dataset = copy.deepcopy(data[split])
    if split != 'train':
        for part in dataset if isinstance(dataset, list) else [dataset]:
            part.setdefault('test_mode', True)
    dataset = expand_dataset_cfg(dataset)
    overrides = copy.deepcopy(dict(data.get(f'{split}_dataloader', {})))
    if split == 'train':
        if iter_based:
            dataset = dict(type='mmseg.SeededDataset', dataset=dataset)
        loader = dataloader(
            dataset, data.samples_per_gpu, data.workers_per_gpu,
            'mmseg.ResumableInfiniteSampler' if iter_based
            else 'DefaultSampler',
            True, **dict(dict(drop_last=True), **overrides))
    else:
        loader = dataloader(dataset, 1, data.workers_per_gpu,
                            'DefaultSampler', False, **overrides)
    if split != 'test':
        loader['worker_init_fn'] = dict(
            type='mmseg.training_worker_init',
            num_workers=loader['num_workers'],
            seed=seed)
    return loader


def optim_wrapper(cfg: Config) -> dict:
    """``optimizer`` + ``optimizer_config`` + ``fp16`` → an optim wrapper."""
    optimizer = copy.deepcopy(dict(cfg.optimizer))
    wrapper = dict(type='SkipNonFiniteOptimWrapper')
    for key in ('paramwise_cfg', 'constructor'):
        if key in optimizer:
            wrapper[key] = optimizer.pop(key)
    wrapper['optimizer'] = optimizer
    opt_cfg = dict(cfg.get('optimizer_config') or {})
    opt_cfg.pop('type', None)  # OptimizerHook / Fp16OptimizerHook
    if opt_cfg.get('grad_clip'):
        wrapper['clip_grad'] = dict(opt_cfg['grad_clip'])
    if opt_cfg.get('cumulative_iters', 1) > 1:
        wrapper['accumulative_counts'] = opt_cfg['cumulative_iters']
    _warn_extra('optimizer_config', opt_cfg,
                ('grad_clip', 'cumulative_iters', 'loss_scale'))
    fp16 = cfg.get('fp16') or (
        {'loss_scale': opt_cfg['loss_scale']} if 'loss_scale' in opt_cfg
        else None)
    if fp16:
        # float16 on CUDA; on CPU autocast has bfloat16 only
        wrapper.update(type='SkipNonFiniteAmpOptimWrapper',
                       loss_scale=fp16.get('loss_scale', 'dynamic'))
        if not torch.cuda.is_available():
            print_log('fp16: no CUDA, mixed precision with bfloat16 on CPU',
                      'current', level=30)
    return wrapper


def train_loop(cfg: Config, val_interval: int) -> dict:
    runner = dict(cfg.get('runner') or dict(type='IterBasedRunner',
                                            max_iters=cfg.total_iters))
    kind = runner.pop('type')
    if kind == 'IterBasedRunner':
        loop = dict(type='IterBasedTrainLoop', max_iters=runner.pop(
            'max_iters'), val_interval=val_interval)
    elif kind == 'EpochBasedRunner':
        loop = dict(type='EpochBasedTrainLoop', max_epochs=runner.pop(
            'max_epochs'), val_interval=val_interval)
    else:
        raise ValueError(f'runner.type {kind!r} is not supported; use '
                         'IterBasedRunner or EpochBasedRunner')
    _warn_extra('runner', runner, ())
    return loop


def log_settings(cfg: Config) -> dict:
    """``log_config`` → logger hook, log processor and visualizer."""
    log_cfg = dict(cfg.get('log_config') or dict(interval=50, hooks=[]))
    interval = log_cfg.get('interval', 50)
    by_epoch = False
    backends = []
    for hook in log_cfg.get('hooks', []):
        kind = hook['type']
        by_epoch = hook.get('by_epoch', by_epoch)
        if kind == 'TensorboardLoggerHook':
            backends.append(dict(type='TensorboardVisBackend'))
        elif kind != 'TextLoggerHook':
            print_log(f'log_config: {kind} is not supported (ignored)',
                      'current', level=30)
    return dict(
        logger=dict(type='JsonLoggerHook', interval=interval,
                    log_metric_by_epoch=by_epoch),
        log_processor=dict(window_size=interval, by_epoch=by_epoch),
        visualizer=dict(type='Visualizer', vis_backends=backends))


def evaluator(dataset, eval_cfg: dict, **extra) -> dict:
    """``evaluation`` (or ``--eval`` options) → a ``DatasetMetric`` config."""
    eval_cfg = copy.deepcopy(dict(eval_cfg))
    for key in ('interval', 'by_epoch', 'save_best', 'rule', 'gpu_collect',
                'efficient_test', 'start'):
        eval_cfg.pop(key, None)
    return dict(type='DatasetMetric', dataset=dataset, **eval_cfg, **extra)


def model_wrapper(cfg: Config) -> dict:
    """DDP settings that also work on CPU (gloo), where device_ids is None."""
    device_ids = [int(os.environ.get('LOCAL_RANK', 0))] \
        if torch.cuda.is_available() else None
    return dict(type='MMDistributedDataParallel', device_ids=device_ids,
                broadcast_buffers=False,
                find_unused_parameters=cfg.get('find_unused_parameters',
                                               False))


def env_settings(cfg: Config) -> dict:
    backend = (cfg.get('dist_params') or {}).get('backend', 'nccl')
    if not torch.cuda.is_available():
        backend = 'gloo'
    return dict(cudnn_benchmark=cfg.get('cudnn_benchmark', False),
                mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
                dist_cfg=dict(backend=backend))


def checkpoint_hook(cfg: Config, save_best: Optional[str], rule) -> dict:
    """``checkpoint_config`` (+ ``evaluation.save_best``) → the hook."""
    ckpt = copy.deepcopy(dict(cfg.get('checkpoint_config') or {}))
    ckpt.pop('type', None)
    hook = dict(type='AtomicCheckpointHook', interval=ckpt.pop('interval', -1),
                by_epoch=ckpt.pop('by_epoch', False),
                meta=ckpt.pop('meta', {}),
                max_keep_ckpts=ckpt.pop('max_keep_ckpts', -1))
    for key in ('save_optimizer', 'out_dir'):
        if key in ckpt:
            hook[key] = ckpt.pop(key)
    ckpt.pop('create_symlink', None)
    _warn_extra('checkpoint_config', ckpt, ())
    if save_best:
        hook.update(save_best=save_best, rule=rule or 'greater')
    return hook


def train_config(cfg: Config,
                 work_dir: str,
                 validate: bool = True,
                 launcher: str = 'none',
                 load_from: Optional[str] = None,
                 resume: bool = False,
                 seed: Optional[int] = None,
                 diff_seed: bool = False,
                 deterministic: bool = False) -> dict:
    """``ResumableRunner`` arguments for training, as data.

    Args:
        cfg: The 0.28 config (not changed).
        work_dir: Output folder.
        validate: Evaluate during training (``evaluation`` section).
        launcher: 'none', 'pytorch' or 'slurm'.
        load_from: Checkpoint to start from, or to resume with ``resume``.
        resume: Resume ``load_from`` (or, if None, the work dir's latest).
        seed, diff_seed, deterministic: Randomness settings.

    Returns:
        A dict for ``ResumableRunner.from_cfg``.
    """
    report_unknown_keys(cfg)
    workflow = cfg.get('workflow', [('train', 1)])
    if [tuple(w) for w in workflow] != [('train', 1)]:
        print_log(f'workflow {workflow}: only training is run; validation '
                  'follows `evaluation`', 'current', level=30)
    loop = train_loop(cfg, val_interval=1)
    iter_based = loop['type'] == 'IterBasedTrainLoop'
    eval_cfg = copy.deepcopy(dict(cfg.get('evaluation') or {}))
    loop['val_interval'] = eval_cfg.get('interval', 1) if validate \
        else 10**12
    logs = log_settings(cfg)
    runner = dict(
        model=copy.deepcopy(dict(cfg.model)),
        work_dir=work_dir,
        train_dataloader=split_dataloader(cfg, 'train', iter_based, seed),
        optim_wrapper=optim_wrapper(cfg),
        param_scheduler=lr_config_to_scheduler(
            cfg.lr_config, loop.get('max_iters'), loop.get('max_epochs')),
        train_cfg=loop,
        default_hooks=dict(
            timer=dict(type='IterTimerHook'),
            logger=logs['logger'],
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=checkpoint_hook(
                cfg, eval_cfg.get('save_best') if validate else None,
                eval_cfg.get('rule')),
            sampler_seed=dict(type='DistSamplerSeedHook'),
            data_stream=dict(type='ResumeDataStreamHook'),
            nonfinite_loss=dict(type='NonFiniteLossHook',
                                policy=cfg.get('nonfinite_loss', 'stop')),
            stop_on_signal=dict(type='StopOnSignalHook', save_timeout=cfg.get(
                'interrupt_save_timeout', 30))),
        custom_hooks=[copy.deepcopy(dict(h))
                      for h in cfg.get('custom_hooks', [])],
        load_from=load_from,
        resume=resume,
        launcher=launcher,
        env_cfg=env_settings(cfg),
        log_level=cfg.get('log_level', 'INFO'),
        default_scope='mmseg',
        randomness=dict(seed=seed, diff_rank_seed=diff_seed,
                        deterministic=deterministic),
        log_processor=logs['log_processor'],
        visualizer=logs['visualizer'],
        model_wrapper_cfg=model_wrapper(cfg),
        speed=speed_settings(cfg))
    if validate:
        runner.update(
            val_dataloader=split_dataloader(cfg, 'val', seed=seed),
            val_cfg=dict(type='ValLoop'),
            val_evaluator=evaluator(
                expand_dataset_cfg(dict(cfg.data.val, test_mode=True)),
                eval_cfg, class_table_on_console=False))
        runner['custom_hooks'].append(dict(type='ProgressBarHook'))
    if launcher != 'none' and not torch.cuda.is_available():
        # SyncBN fell back to BN: keep the ranks' statistics equal
        runner['custom_hooks'].append(dict(type='AverageBuffersHook'))
    return runner


def test_config(cfg: Config,
                work_dir: str,
                metric_cfg: dict,
                launcher: str = 'none') -> dict:
    """``ResumableRunner`` arguments for testing on ``cfg.data.test``, as data.

    The model is built without training settings or pretrained weights;
    the tested checkpoint is loaded by the caller (strictly).

    Args:
        cfg: The 0.28 config (not changed).
        work_dir: Folder for logs.
        metric_cfg: ``DatasetMetric`` arguments (metric, format_only, ...).
        launcher: 'none', 'pytorch' or 'slurm'.

    Returns:
        A dict for ``ResumableRunner.from_cfg``.
    """
    logs = log_settings(cfg)
    loader = split_dataloader(cfg, 'test')
    return dict(
        model=dict(copy.deepcopy(dict(cfg.model)), pretrained=None,
                   train_cfg=None),
        work_dir=work_dir,
        test_dataloader=loader,
        # 0.28 tests in half precision when the config has ``fp16``
        test_cfg=dict(type='TestLoop', fp16=bool(cfg.get('fp16'))),
        test_evaluator=dict(type='DatasetMetric',
                            dataset=copy.deepcopy(loader['dataset']),
                            **copy.deepcopy(metric_cfg)),
        launcher=launcher,
        env_cfg=env_settings(cfg),
        log_level=cfg.get('log_level', 'INFO'),
        default_scope='mmseg',
        default_hooks=dict(logger=logs['logger']),
        custom_hooks=[dict(type='ProgressBarHook')],
        log_processor=logs['log_processor'],
        visualizer=logs['visualizer'],
        model_wrapper_cfg=model_wrapper(cfg),
        speed=speed_settings(cfg))


def speed_settings(cfg: Config) -> dict:
    """``compile`` and ``channels_last`` (``mmseg/engine/speed.py``), under
    a key of their own: mmengine would compile the model itself for a
    top-level ``compile``."""
    return dict(compile=copy.deepcopy(cfg.get('compile')),
                channels_last=bool(cfg.get('channels_last', False)))
