"""The mmcv 1.x and mmseg 0.28 names that 0.28 code imports."""
import importlib

import mmcv
import mmengine
import pytest
import torch

import mmseg

MMCV_NAMES = {
    'mmcv': ['Config', 'ConfigDict', 'dump', 'load', 'mkdir_or_exist',
             'ProgressBar', 'is_list_of', 'FileClient'],
    'mmcv.utils': ['Config', 'ConfigDict', 'DictAction', 'Registry',
                   'build_from_cfg', 'collect_env', 'get_git_hash',
                   'to_2tuple', 'get_logger', 'print_log', 'parrots_wrapper',
                   'IS_CUDA_AVAILABLE'],
    'mmcv.utils.parrots_wrapper': ['_BatchNorm', 'SyncBatchNorm',
                                   '_InstanceNorm'],
    'mmcv.runner': ['BaseModule', 'ModuleList', 'Sequential', 'force_fp32',
                    'auto_fp16', 'wrap_fp16_model', 'HOOKS', 'Hook',
                    'get_dist_info',
                    'init_dist', 'load_checkpoint', 'save_checkpoint',
                    'build_optimizer', 'obj_from_dict', 'IterBasedRunner',
                    'EpochBasedRunner', 'build_runner', 'EvalHook',
                    'DistEvalHook', 'DefaultOptimizerConstructor',
                    'OPTIMIZER_BUILDERS'],
    'mmcv.parallel': ['MMDataParallel', 'MMDistributedDataParallel',
                      'is_module_wrapper',
                      'collate', 'DataContainer', 'scatter',
                      'scatter_kwargs'],
    'mmcv.cnn': ['constant_init', 'kaiming_init', 'normal_init',
                 'trunc_normal_init', 'xavier_init', 'ConvModule'],
    'mmcv.cnn.utils': ['revert_sync_batchnorm'],
}

MMSEG_NAMES = {
    'mmseg': ['digit_version'],
    'mmseg.apis': ['single_gpu_test', 'multi_gpu_test', 'init_random_seed',
                   'set_random_seed'],
    'mmseg.core': ['build_optimizer', 'build_optimizer_constructor',
                   'get_classes', 'get_palette', 'mean_iou', 'eval_metrics',
                   'EvalHook', 'DistEvalHook', 'OPTIMIZER_BUILDERS'],
    'mmseg.core.builder': ['OPTIMIZER_BUILDERS', 'build_optimizer',
                           'build_optimizer_constructor'],
    'mmseg.models': ['build_neck', 'NECKS', 'MODELS'],
    'mmseg.datasets': ['PascalContextDataset', 'PascalVOCDataset',
                       'MultiImageMixDataset'],
    'mmseg.models.losses': ['weighted_loss'],
    'mmseg.utils': ['get_root_logger', 'setup_multi_processes', 'build_dp',
                    'build_ddp', 'get_device'],
}


@pytest.mark.parametrize('module,names',
                         sorted({**MMCV_NAMES, **MMSEG_NAMES}.items()))
def test_names_import(module, names):
    loaded = importlib.import_module(module)
    missing = [n for n in names if not hasattr(loaded, n)]
    assert not missing, f'{module} lacks {missing}'


def test_mmcv_2_names_are_not_replaced():
    from mmcv.cnn import ConvModule
    from mmcv.cnn.bricks.conv_module import ConvModule as original
    assert ConvModule is original
    assert mmcv.imread.__module__.startswith('mmcv.image')
    assert mmcv.Config is mmengine.Config


def test_runner_names_are_the_engine_equivalents():
    from mmcv.runner import HOOKS, BaseModule, get_dist_info

    from mmseg.registry import HOOKS as SEG_HOOKS
    assert BaseModule is mmengine.model.BaseModule
    assert HOOKS is SEG_HOOKS
    assert get_dist_info() == (0, 1)


def test_obj_from_dict_and_build_optimizer():
    from mmcv.runner import build_optimizer, obj_from_dict
    model = torch.nn.Linear(2, 2)
    sgd = obj_from_dict(dict(type='SGD', lr=0.1), torch.optim,
                        dict(params=model.parameters()))
    assert isinstance(sgd, torch.optim.SGD) and sgd.defaults['lr'] == 0.1
    adamw = build_optimizer(model, dict(type='AdamW', lr=0.01,
                                        weight_decay=0.1))
    assert isinstance(adamw, torch.optim.AdamW)
    assert adamw.defaults['weight_decay'] == 0.1
    with pytest.raises(KeyError, match='NoSuchOpt'):
        obj_from_dict(dict(type='NoSuchOpt'), torch.optim)


def test_data_parallel_runs_on_cpu():
    from mmcv.parallel import MMDataParallel
    model = MMDataParallel(torch.nn.Linear(2, 3))
    assert model(torch.ones(1, 2)).shape == (1, 3)


def test_weighted_loss_adds_reduction_arguments():
    from mmseg.models.losses import weighted_loss

    @weighted_loss
    def l1(pred, target):
        return (pred - target).abs()

    pred, target = torch.tensor([1., 3.]), torch.tensor([0., 0.])
    assert l1(pred, target) == 2
    assert l1(pred, target, reduction='sum') == 4
    assert l1(pred, target, weight=torch.tensor([1., 0.])) == 0.5
    assert l1(pred, target, avg_factor=4) == pytest.approx(1.0)
    assert torch.equal(l1(pred, target, reduction='none'), pred)


def test_single_gpu_test_returns_model_outputs():
    from mmseg.apis import single_gpu_test

    class Model(torch.nn.Module):
        def forward(self, img, img_metas=None, return_loss=True):
            assert not return_loss
            return [img[i, 0].numpy() for i in range(img.shape[0])]

    data = [dict(img=torch.full((1, 2, 2), float(i))) for i in range(3)]
    loader = torch.utils.data.DataLoader(data, batch_size=2)
    results = single_gpu_test(Model(), loader)
    assert [r[0, 0] for r in results] == [0, 1, 2]


def test_random_seed_helpers():
    from mmseg.apis import init_random_seed, set_random_seed
    assert init_random_seed(7) == 7
    assert 0 <= init_random_seed() < 2**31
    set_random_seed(3)
    first = torch.rand(2)
    set_random_seed(3)
    assert torch.equal(first, torch.rand(2))


def test_digit_version_orders_versions():
    assert mmseg.digit_version('0.28.0') < mmseg.digit_version('1.0.0rc0') \
        < mmseg.digit_version('1.0.0')


def test_segmentor_train_and_val_step_the_0_28_way():
    from mmengine.optim import OptimWrapper

    from mmseg.models import build_segmentor
    cfg = dict(
        type='EncoderDecoder',
        backbone=dict(type='MixVisionTransformer', in_channels=3,
                      embed_dims=8, num_stages=4, num_layers=[1, 1, 1, 1],
                      num_heads=[1, 1, 1, 1], patch_sizes=[7, 3, 3, 3],
                      sr_ratios=[8, 4, 2, 1], out_indices=(0, 1, 2, 3)),
        decode_head=dict(type='SegformerHead', in_channels=[8, 8, 8, 8],
                         in_index=[0, 1, 2, 3], channels=8, num_classes=3,
                         loss_decode=dict(type='CrossEntropyLoss')),
        train_cfg=dict(), test_cfg=dict(mode='whole'))
    model = build_segmentor(cfg)
    metas = [dict(img_shape=(32, 32, 3), ori_shape=(32, 32, 3),
                  pad_shape=(32, 32, 3), flip=False)] * 2
    data = dict(img=torch.randn(2, 3, 32, 32), img_metas=metas,
                gt_semantic_seg=torch.randint(0, 3, (2, 1, 32, 32)))
    out = model.train_step(data, None)
    assert set(out) == {'loss', 'log_vars', 'num_samples'}
    assert out['num_samples'] == 2 and out['loss'].requires_grad
    out = model.val_step(data, None)
    assert all(k.startswith('val.') for k in out['log_vars'])
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    logged = model.train_step(data, OptimWrapper(sgd))  # mmengine's call
    assert 'loss' in logged and not isinstance(logged['loss'], dict)


def test_scatter_unwraps_data_containers():
    from mmcv.parallel import DataContainer, scatter, scatter_kwargs
    img = torch.ones(1, 3, 2, 2)
    meta = DataContainer([[dict(flip=False)]], cpu_only=True)
    batch = dict(img=[img], img_metas=[meta])
    assert meta.data[0][0] == dict(flip=False) and meta.cpu_only
    scattered = scatter(batch, [-1])
    assert len(scattered) == 1
    assert scattered[0]['img_metas'] == [[[dict(flip=False)]]]
    assert torch.equal(scattered[0]['img'][0], img)
    args, kwargs = scatter_kwargs((DataContainer(img, stack=True), ),
                                  dict(return_loss=False), [-1])
    assert torch.equal(args[0][0], img) and kwargs == (
        dict(return_loss=False), )
    with pytest.raises(ValueError, match='several GPUs'):
        scatter(batch, [0, 1])


def test_optimizer_constructor_registry():
    from mmcv.runner import DefaultOptimizerConstructor

    from mmseg.core import build_optimizer
    from mmseg.core.builder import (
        OPTIMIZER_BUILDERS,
        build_optimizer_constructor,
    )

    @OPTIMIZER_BUILDERS.register_module(force=True)
    class HalfLR(DefaultOptimizerConstructor):
        def __call__(self, model):
            optimizer = super().__call__(model)
            for group in optimizer.param_groups:
                group['lr'] /= 2
            return optimizer

    model = torch.nn.Conv2d(1, 1, 1)
    cfg = dict(type='SGD', lr=0.1)
    plain = build_optimizer_constructor(dict(optimizer_cfg=cfg))
    assert type(plain) is DefaultOptimizerConstructor
    assert isinstance(plain(model), torch.optim.SGD)
    halved = build_optimizer(model, dict(cfg, constructor='HalfLR'))
    assert halved.param_groups[0]['lr'] == 0.05
    with pytest.raises(KeyError):
        build_optimizer_constructor(dict(type='NoSuchConstructor'))
