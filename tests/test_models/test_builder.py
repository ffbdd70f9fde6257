import warnings

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.models import (
    build_backbone,
    build_head,
    build_loss,
    build_segmentor,
)
from mmseg.registry import UnknownTypeError
from tests.conftest import REPO_ROOT
from tests.helpers import tiny_fcn, tiny_hrnet


def num_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('config, expected', [
    ('hrnet/fcn_hr48_512x1024_40k_cityscapes.py', 65_858_659),
    ('hrnet/fcn_hr18_512x1024_40k_cityscapes.py', 9_640_849),
    ('cac_hrnet/fcn_hr48_4x2_512x1024_40k_cityscapes_lr0.01_0.4_0.1_1.5.py',
     66_642_822),
])
def test_fcn_hrnet_parameter_counts_match_reference(config, expected):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build_segmentor(cfg.model)
    assert num_params(model) == expected


def test_unknown_type_names_type_registry_and_close_matches():
    cfg = tiny_fcn(head_type='FCNHaed')
    with pytest.raises(UnknownTypeError) as err:
        build_segmentor(cfg)
    msg = str(err.value)
    assert "'FCNHaed'" in msg and "'model'" in msg and 'FCNHead' in msg
    assert '\n' not in msg


def test_unknown_loss_type_is_reported_through_nested_builds():
    cfg = tiny_fcn(loss_decode=dict(type='CrossEntropyLos'))
    with pytest.raises(KeyError, match='CrossEntropyLoss'):
        build_segmentor(cfg)


def test_builders_of_each_kind():
    assert build_backbone(tiny_hrnet()).__class__.__name__ == 'HRNet'
    assert build_loss(dict(type='CrossEntropyLoss')).loss_name == 'loss_ce'
    head = build_head(tiny_fcn()['decode_head'])
    assert head.in_channels == 8 + 16 + 32 + 64


def test_segmentor_train_and_test_cfg_arguments():
    cfg = tiny_fcn()
    cfg.pop('train_cfg')
    cfg.pop('test_cfg')
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        model = build_segmentor(cfg, train_cfg=dict(),
                                test_cfg=dict(mode='whole'))
    assert model.test_cfg.mode == 'whole'
    with pytest.raises(AssertionError):
        build_segmentor(tiny_fcn(), test_cfg=dict(mode='whole'))


def test_sync_bn_falls_back_to_bn_on_cpu_with_one_warning():
    assert not torch.cuda.is_available()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model = build_segmentor(tiny_fcn(norm='SyncBN'))
    sync_warnings = [w for w in caught if 'SyncBN' in str(w.message)]
    assert len(sync_warnings) == 1
    assert not any(isinstance(m, nn.SyncBatchNorm) for m in model.modules())
    assert any(isinstance(m, _BatchNorm) for m in model.modules())
    # same keys as a BN model, and training runs
    bn_keys = set(build_segmentor(tiny_fcn()).state_dict())
    assert set(model.state_dict()) == bn_keys
    model.train()
    img = torch.randn(2, 3, 32, 64)
    gt = torch.randint(0, 19, (2, 1, 32, 64))
    losses = model.forward_train(img, [{}] * 2, gt)
    assert torch.isfinite(losses['decode.loss_ce'])
