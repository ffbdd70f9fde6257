"""ConvNeXt: mmcls 0.x's keys and shapes, and 0.28's ``mmcls.ConvNeXt``
configs without mmcls."""
import importlib

import pytest
import torch
from mmengine.config import Config

from mmseg.models.backbones import ConvNeXt
from mmseg.registry import MODELS
from tests.conftest import REPO_ROOT

# mmcls 0.x ConvNeXt (arch 'tiny', all four outputs): every kind of key
MMCLS_TINY = {
    'downsample_layers.0.0.weight': (96, 3, 4, 4),
    'downsample_layers.0.0.bias': (96, ),
    'downsample_layers.0.1.weight': (96, ),
    'downsample_layers.0.1.bias': (96, ),
    'downsample_layers.3.0.weight': (384, ),
    'downsample_layers.3.1.weight': (768, 384, 2, 2),
    'downsample_layers.3.1.bias': (768, ),
    'stages.2.8.depthwise_conv.weight': (384, 1, 7, 7),
    'stages.2.8.depthwise_conv.bias': (384, ),
    'stages.2.8.norm.weight': (384, ),
    'stages.2.8.pointwise_conv1.weight': (1536, 384),
    'stages.2.8.pointwise_conv1.bias': (1536, ),
    'stages.2.8.pointwise_conv2.weight': (384, 1536),
    'stages.2.8.pointwise_conv2.bias': (384, ),
    'stages.2.8.gamma': (384, ),
    'norm0.weight': (96, ),
    'norm3.bias': (768, ),
}


def test_mmcls_keys_and_shapes():
    with torch.device('meta'):
        model = ConvNeXt('tiny', out_indices=[0, 1, 2, 3])
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert {k: shapes[k] for k in MMCLS_TINY} == MMCLS_TINY
    # stem 4, three downsampling layers 4 each, 18 blocks of 9, 4 norms
    assert len(shapes) == 4 + 3 * 4 + 18 * 9 + 4 * 2
    # timm's convnext_tiny (28,589,128) less its head (norm 1,536, fc
    # 769,000), plus the four output norms (2 x 1,440)
    assert sum(v.numel() for v in model.parameters()) == 27_821_472


def test_outputs_and_frozen_stages():
    model = ConvNeXt(dict(depths=[1, 1, 1, 1], channels=[4, 8, 8, 8]),
                     out_indices=-1, frozen_stages=1)
    (out, ) = model(torch.randn(2, 3, 64, 64))
    assert out.shape == (2, 8)  # global average, then norm3
    model.train()
    assert not model.stages[0].training
    assert not model.downsample_layers[0][0].weight.requires_grad
    maps = ConvNeXt(dict(depths=[1, 1, 1, 1], channels=[4, 8, 8, 8]),
                    out_indices=[0, 3], gap_before_final_norm=False)(
                        torch.randn(1, 3, 64, 64))
    assert [m.shape for m in maps] == [(1, 4, 16, 16), (1, 8, 2, 2)]
    with pytest.raises(ValueError, match='arch'):
        ConvNeXt('huge')


def test_028_config_builds_without_mmcls():
    # plain mmengine loading: custom_imports=dict(imports='mmcls.models',
    # allow_failed_imports=False) must import
    path = REPO_ROOT / 'configs' / 'convnext' / \
        'upernet_convnext_tiny_fp16_512x512_160k_ade20k.py'
    cfg = Config.fromfile(path)
    assert cfg.model.backbone.type == 'mmcls.ConvNeXt'
    assert MODELS.get('mmcls.ConvNeXt') is ConvNeXt
    assert importlib.import_module('mmcls.models').ConvNeXt is ConvNeXt
    backbone = dict(cfg.model.backbone, init_cfg=None,
                    arch=dict(depths=[1, 1, 1, 1], channels=[4, 8, 8, 8]))
    assert type(MODELS.build(backbone)) is ConvNeXt
