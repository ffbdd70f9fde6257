"""The 0.28 config → mmengine Runner translation, section by section."""
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger

from mmseg.engine import config_translation as lc
from tests.conftest import REPO_ROOT

CAC_CITYSCAPES = REPO_ROOT / ('configs/cac_hrnet/fcn_hr48_4x2_512x1024_40k_'
                              'cityscapes_lr0.01_0.4_0.1_1.5.py')
SEGFORMER = REPO_ROOT / ('configs/segformer/segformer_mit-b0_4x4_512x512_'
                         '160k_ade20k_lr0.00006_baseline.py')


@pytest.fixture
def warnings_log(tmp_path):
    """Messages logged by print_log(..., 'current') during a test."""
    logger = MMLogger.get_instance(f'test_{tmp_path.name}',
                                   log_file=str(tmp_path / 'log.txt'))
    MMLogger._instance_dict.move_to_end(logger.instance_name)
    return lambda: (tmp_path / 'log.txt').read_text()


def test_sgd_optimizer_with_paramwise_and_grad_clip():
    cfg = Config(dict(
        optimizer=dict(type='SGD', lr=0.004, momentum=0.9,
                       weight_decay=1e-4,
                       paramwise_cfg=dict(custom_keys={
                           'head': dict(lr_mult=10.)})),
        optimizer_config=dict(grad_clip=dict(max_norm=35, norm_type=2))))
    wrapper = lc.optim_wrapper(cfg)
    assert wrapper == dict(
        type='SkipNonFiniteOptimWrapper',
        optimizer=dict(type='SGD', lr=0.004, momentum=0.9,
                       weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.)}),
        clip_grad=dict(max_norm=35, norm_type=2))


def test_segformer_adamw_and_warmup_schedule():
    cfg = Config.fromfile(SEGFORMER)
    wrapper = lc.optim_wrapper(cfg)
    assert wrapper['optimizer']['type'] == 'AdamW'
    assert wrapper['paramwise_cfg']['custom_keys']['head'] == dict(
        lr_mult=10.)
    loop = lc.train_loop(cfg, val_interval=16000)
    assert loop == dict(type='IterBasedTrainLoop', max_iters=160000,
                        val_interval=16000)


def test_fp16_is_mixed_precision_with_bfloat16_on_cpu(warnings_log):
    cfg = Config(dict(optimizer=dict(type='SGD', lr=0.1),
                      fp16=dict(loss_scale='dynamic')))
    assert not torch.cuda.is_available()
    wrapper = lc.optim_wrapper(cfg)
    assert wrapper['type'] == 'SkipNonFiniteAmpOptimWrapper'
    assert wrapper['loss_scale'] == 'dynamic'
    assert 'bfloat16 on CPU' in warnings_log()


def test_fp16_config_key_makes_the_test_loop_autocast():
    cfg = Config(dict(model=dict(type='EncoderDecoder'),
                      data=dict(workers_per_gpu=0, test=dict(type='DS')),
                      fp16=dict(loss_scale=512.)))
    kwargs = lc.test_config(cfg, 'w', {})
    assert kwargs['test_cfg'] == dict(type='TestLoop', fp16=True)
    cfg.pop('fp16')
    kwargs = lc.test_config(cfg, 'w', {})
    assert kwargs['test_cfg'] == dict(type='TestLoop', fp16=False)


def test_cumulative_iters_and_unknown_optimizer_config_keys(warnings_log):
    cfg = Config(dict(optimizer=dict(type='SGD', lr=0.1),
                      optimizer_config=dict(cumulative_iters=4, bogus=1)))
    assert lc.optim_wrapper(cfg)['accumulative_counts'] == 4
    assert 'optimizer_config: keys ignored: bogus' in warnings_log()


def test_epoch_based_runner_and_unsupported_runner():
    cfg = Config(dict(runner=dict(type='EpochBasedRunner', max_epochs=3)))
    assert lc.train_loop(cfg, 1) == dict(type='EpochBasedTrainLoop',
                                         max_epochs=3, val_interval=1)
    with pytest.raises(ValueError, match='runner.type'):
        lc.train_loop(Config(dict(runner=dict(type='Other'))), 1)


def test_checkpoint_config_with_best_and_meta():
    cfg = Config(dict(checkpoint_config=dict(
        by_epoch=False, interval=4000, max_keep_ckpts=3,
        meta=dict(note='x'))))
    hook = lc.checkpoint_hook(cfg, 'mIoU', None)
    assert hook == dict(type='AtomicCheckpointHook', interval=4000,
                        by_epoch=False, max_keep_ckpts=3,
                        meta=dict(note='x'),
                        save_best='mIoU', rule='greater')


def test_log_config_tensorboard_and_unsupported_hooks(warnings_log):
    cfg = Config(dict(log_config=dict(interval=20, hooks=[
        dict(type='TextLoggerHook', by_epoch=False),
        dict(type='TensorboardLoggerHook'),
        dict(type='WandbLoggerHook')])))
    logs = lc.log_settings(cfg)
    assert logs['logger'] == dict(type='JsonLoggerHook', interval=20,
                                  log_metric_by_epoch=False)
    assert logs['log_processor'] == dict(window_size=20, by_epoch=False)
    assert logs['visualizer']['vis_backends'] == [
        dict(type='TensorboardVisBackend')]
    assert 'WandbLoggerHook is not supported' in warnings_log()


def test_evaluation_section_to_metric():
    metric = lc.evaluator('DATASET', dict(interval=4000, metric='mIoU',
                                          pre_eval=True, save_best='mIoU'))
    assert metric == dict(type='DatasetMetric', dataset='DATASET',
                          metric='mIoU', pre_eval=True)


def test_unknown_top_level_keys_are_reported(warnings_log):
    cfg = Config.fromfile(CAC_CITYSCAPES)
    cfg.mystery_setting = 1
    assert lc.report_unknown_keys(cfg) == ['mystery_setting']
    assert 'mystery_setting' in warnings_log()


def test_cpu_runs_use_gloo_and_no_device_ids():
    cfg = Config(dict(dist_params=dict(backend='nccl'),
                      cudnn_benchmark=True, find_unused_parameters=True))
    assert lc.env_settings(cfg)['dist_cfg'] == dict(backend='gloo')
    wrapper = lc.model_wrapper(cfg)
    assert wrapper['device_ids'] is None
    assert wrapper['find_unused_parameters'] is True


def test_dataloader_overrides_from_data_section(warnings_log):
    loader = lc.dataloader('DS', 2, 2, 'InfiniteSampler', True,
                           samples_per_gpu=4, workers_per_gpu=0,
                           drop_last=True, odd=1)
    assert loader['batch_size'] == 4 and loader['num_workers'] == 0
    assert loader['persistent_workers'] is False
    assert loader['drop_last'] is True
    assert loader['sampler'] == dict(type='InfiniteSampler', shuffle=True)
    assert 'dataloader: keys ignored: odd' in warnings_log()
