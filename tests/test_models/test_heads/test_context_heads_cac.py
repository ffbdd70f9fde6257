"""CAC on CCHead, PSAHead, EncHead, FPNHead (also as a cascade's first
stage) and the JPU model's EncHead; PointHead refuses it."""
import copy
from pathlib import Path

import pytest
import torch

from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import CACOutputs, cac_branch_keys
from tests.helpers import metas

DATA = Path(__file__).parents[2] / 'data' / 'reference_028'
CAC = dict(proj_channel=8, weight=1.5)
LOSSES = [dict(type='CrossEntropyLoss', loss_weight=1.0),
          dict(type='CACLoss', loss_weight=0.5, max_sample=64, threshold=4)]


def tiny_cfg(family: str) -> dict:
    """The parity fixture's tiny 0.28 model."""
    case = torch.load(DATA / f'{family}.pt', weights_only=False)
    return copy.deepcopy(case['config'])


def with_cac(cfg: dict, stage: int = 0) -> dict:
    heads = cfg['decode_head']
    head = heads[stage] if isinstance(heads, list) else heads
    head.update(cac=CAC, loss_decode=LOSSES)
    return cfg


def batch(seed=0):
    torch.manual_seed(seed)
    img = torch.randn(2, 3, 32, 32)
    gt = torch.randint(0, 5, (2, 1, 32, 32))
    return img, metas(2, 32, 32), gt


@pytest.mark.parametrize('family,head_name', [
    ('ccnet', 'decode'), ('psanet', 'decode'), ('encnet', 'decode'),
    ('sem_fpn', 'decode'), ('fastfcn', 'decode'), ('point_rend', 'decode_0')
])
def test_cac_loss_is_finite_and_reaches_the_projection(family, head_name):
    model = build_segmentor(with_cac(tiny_cfg(family)))
    model.train()
    losses = model.forward_train(*batch())
    cac = losses[f'{head_name}.loss_cac']
    assert torch.isfinite(cac) and cac > 0
    assert torch.isfinite(losses[f'{head_name}.loss_ce_weight'])
    head = model.decode_head
    head = head[0] if family == 'point_rend' else head
    proj = head.cac_proj if family == 'psanet' else head.proj
    grads = torch.autograd.grad(cac, list(proj.parameters()),
                                allow_unused=True)
    assert all(g is not None and g.abs().sum() > 0 for g in grads)
    # the confidence branch's pixel loss trains only that branch
    branch = torch.autograd.grad(losses[f'{head_name}.loss_ce_weight'],
                                 list(head.weight_branch.parameters()),
                                 allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in branch)


def test_enc_head_keeps_its_se_loss_and_the_branch_has_no_se_layer():
    model = build_segmentor(with_cac(tiny_cfg('encnet')))
    losses = model.forward_train(*batch())
    assert torch.isfinite(losses['decode.loss_se'])
    head = model.decode_head
    assert hasattr(head, 'se_layer') and not head.weight_branch.use_se_loss
    assert not any('se_layer' in k for k in head.weight_branch.state_dict())
    model.eval()
    with torch.no_grad():
        out = model.cac_features(batch()[0])
    assert isinstance(out, CACOutputs)
    assert out.logits.shape == out.confidence_logits.shape


def test_psa_head_keeps_its_own_proj_and_strips_cleanly():
    plain = build_segmentor(tiny_cfg('psanet'))
    model = build_segmentor(with_cac(tiny_cfg('psanet')))
    keys = set(model.state_dict())
    assert set(plain.state_dict()) <= keys
    assert 'decode_head.proj.conv.weight' in keys
    assert 'decode_head.cac_proj.0.conv.weight' in keys
    # exactly the CAC branches are what strip_cac removes
    assert set(cac_branch_keys(keys)) == keys - set(plain.state_dict())
    model.eval()
    img = batch()[0]
    with torch.no_grad():
        plain.load_state_dict({k: v for k, v in model.state_dict().items()
                               if k in plain.state_dict()})
        plain.eval()
        torch.testing.assert_close(model.encode_decode(img, metas(2, 32, 32)),
                                   plain.encode_decode(img, metas(2, 32, 32)))
        out = model.cac_features(img)
    assert out.projection.shape[1] == CAC['proj_channel']


def test_cc_head_confidence_branch_has_its_own_attention():
    model = build_segmentor(with_cac(tiny_cfg('ccnet')))
    head = model.decode_head
    assert head.weight_branch.cca is not head.cca
    assert head.weight_branch.recurrence == head.recurrence


def test_point_head_refuses_cac_with_a_reason():
    with pytest.raises(ValueError, match='sampled points.*FPNHead'):
        build_segmentor(with_cac(tiny_cfg('point_rend'), stage=1))
