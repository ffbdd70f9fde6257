"""Layer-decay constructors: groups and learning rates as in 0.28.

``layer_decay_groups.json`` holds the param groups that 0.28's
constructors built (in the 0.28 environment) for the same tiny models:
BEiT and MAE (2 blocks) and a ConvNeXt with stage depths (1, 1, 4, 1).
"""
import json
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmseg.core import (
    LayerDecayOptimizerConstructor,
    LearningRateDecayOptimizerConstructor,
    build_optimizer,
)
from mmseg.engine.config_translation import optim_wrapper
from mmseg.models.backbones import MAE, BEiT, ConvNeXt
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS

REF = osp.join(osp.dirname(__file__), '..', 'data', 'reference_028',
               'layer_decay_groups.json')


class Seg(nn.Module):

    def __init__(self, backbone: nn.Module):
        super().__init__()
        self.backbone = backbone
        self.decode_head = nn.Conv2d(8, 2, 1)


def _model(case: str) -> nn.Module:
    if case.startswith('convnext'):
        return Seg(ConvNeXt(arch=dict(depths=[1, 1, 4, 1],
                                      channels=[4, 8, 8, 8]),
                            out_indices=[0, 1, 2, 3],
                            gap_before_final_norm=False))
    kind = BEiT if case.startswith('beit') else MAE
    extra = dict(final_norm=True) if kind is BEiT else {}
    return Seg(kind(img_size=16, patch_size=8, embed_dims=8, num_layers=2,
                    num_heads=2, out_indices=[0, 1], **extra))


def _groups(optimizer):
    return [(g['group_name'], pytest.approx(g['lr']), g['lr_scale'],
             g['weight_decay'], g['param_names'])
            for g in optimizer.param_groups]


with open(REF) as f:
    EXPECTED = json.load(f)


@pytest.mark.parametrize('case', sorted(EXPECTED))
def test_groups_match_028(case):
    ref = EXPECTED[case]
    model = _model(case)
    optimizer = build_optimizer(model, dict(ref['optimizer']))
    assert isinstance(optimizer, torch.optim.AdamW)
    expected = [(g['group_name'], pytest.approx(g['lr']),
                 pytest.approx(g['lr_scale']), g['weight_decay'],
                 g['param_names']) for g in ref['groups']]
    assert _groups(optimizer) == expected
    names = {n for g in ref['groups'] for n in g['param_names']}
    assert names == {n for n, _ in model.named_parameters()}


def test_runner_path_gives_an_optim_wrapper():
    # a 0.28 config's optimizer, translated as the training tools do
    cfg = dict(optimizer=dict(
        type='AdamW', lr=1e-3, weight_decay=0.05,
        constructor='LayerDecayOptimizerConstructor',
        paramwise_cfg=dict(num_layers=2, layer_decay_rate=0.9)))
    from mmengine.config import Config
    wrapper_cfg = optim_wrapper(Config(cfg))
    wrapper_cfg['type'] = 'OptimWrapper'
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type=wrapper_cfg.pop('constructor'),
        paramwise_cfg=wrapper_cfg.pop('paramwise_cfg'),
        optim_wrapper_cfg=wrapper_cfg))
    wrapper = constructor(_model('beit'))
    assert isinstance(wrapper, OptimWrapper)
    expected = EXPECTED['beit_layer_decay']['groups']
    assert [g['lr'] for g in wrapper.optimizer.param_groups] == \
        pytest.approx([g['lr'] for g in expected])


def test_0_28_call_form_returns_a_torch_optimizer():
    constructor = LearningRateDecayOptimizerConstructor(
        dict(type='SGD', lr=0.1, weight_decay=1e-4),
        dict(num_layers=6, decay_rate=0.5, decay_type='stage_wise'))
    optimizer = constructor(_model('convnext'))
    assert isinstance(optimizer, torch.optim.SGD)
    assert max(g['lr'] for g in optimizer.param_groups) == \
        pytest.approx(0.1)


def test_bad_settings_name_the_key():
    with pytest.raises(ValueError, match='decay_rate'):
        LearningRateDecayOptimizerConstructor(dict(type='SGD', lr=0.1),
                                              dict(num_layers=2))
    with pytest.raises(ValueError, match='layer_decay_rate'):
        LayerDecayOptimizerConstructor(dict(type='SGD', lr=0.1),
                                       dict(num_layers=2, decay_rate=0.9))
    with pytest.raises(ValueError, match='decay_type'):
        LearningRateDecayOptimizerConstructor(
            dict(type='SGD', lr=0.1),
            dict(num_layers=2, decay_rate=0.9, decay_type='block_wise'))
    stage_wise_vit = LearningRateDecayOptimizerConstructor(
        dict(type='SGD', lr=0.1, weight_decay=0.),
        dict(num_layers=2, decay_rate=0.9, decay_type='stage_wise'))
    with pytest.raises(NotImplementedError, match='BEiT'):
        stage_wise_vit(_model('beit'))
