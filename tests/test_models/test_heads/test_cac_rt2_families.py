"""CAC on the heads of BiSeNetV1, BiSeNetV2, STDC and UNet models (FCN
decode and auxiliary heads; STDCHead refuses it): a training step has a
finite loss whose CAC part reaches the projection branch."""
import copy
import warnings

import pytest
import torch

from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.helpers import metas

FIXTURES = REPO_ROOT / 'tests' / 'data' / 'reference_028'
CAC = dict(proj_channel=8, weight=1.5)
LOSSES = [dict(type='CrossEntropyLoss', loss_weight=1.0),
          dict(type='CACLoss', loss_weight=0.5, max_sample=64, threshold=4)]


def tiny_config(name: str) -> dict:
    """The tiny model of a 0.28 fixture."""
    return copy.deepcopy(torch.load(FIXTURES / f'{name}.pt',
                                    weights_only=False)['config'])


def with_cac(head: dict) -> dict:
    return dict(head, cac=CAC, loss_decode=copy.deepcopy(LOSSES))


def batch(size=64):
    gen = torch.Generator().manual_seed(0)
    img = torch.randn(2, 3, size, size, generator=gen)
    blocks = torch.randint(0, 3, (2, 1, 4, 4), generator=gen)
    gt = blocks.repeat_interleave(size // 4, 2).repeat_interleave(
        size // 4, 3)
    return img, metas(2, size, size), gt


def build(cfg):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # binary STDCHead without threshold
        return build_segmentor(cfg)


@pytest.mark.parametrize('name', ['bisenetv1', 'bisenetv2', 'stdc', 'unet'])
def test_cac_on_decode_and_auxiliary_heads_trains(name):
    cfg = tiny_config(name)
    cfg['decode_head'] = with_cac(cfg['decode_head'])
    aux = cfg['auxiliary_head']
    if isinstance(aux, list):
        aux[0] = with_cac(aux[0])
        aux_prefix = 'aux_0'
    else:
        cfg['auxiliary_head'] = with_cac(aux)
        aux_prefix = 'aux'
    model = build(cfg)
    model.init_weights()
    model.train()
    losses = model.forward_train(*batch())
    for prefix in ('decode', aux_prefix):
        assert losses[f'{prefix}.loss_cac'] > 0
        assert f'{prefix}.loss_ce_weight' in losses
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    heads = [model.decode_head, model.auxiliary_head[0]
             if isinstance(model.auxiliary_head, torch.nn.ModuleList)
             else model.auxiliary_head]
    for head in heads:
        for conv in (head.proj[0].conv, head.proj[1].module.conv):
            assert conv.weight.grad is not None
            assert conv.weight.grad.abs().sum() > 0


def test_stdc_head_refuses_cac():
    cfg = tiny_config('stdc')
    cfg['auxiliary_head'][2] = with_cac(cfg['auxiliary_head'][2])
    with pytest.raises(TypeError, match='STDCHead learns boundary targets'):
        build(cfg)
