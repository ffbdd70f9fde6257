"""CAC as a config switch: ``cac=dict(...)`` on any decode head."""
import copy
import logging

import pytest
import torch
import torch.nn as nn
from mmengine.logging import MMLogger

from mmseg.models import build_head, build_segmentor
from mmseg.models.decode_heads.cac_head import (
    cac_branch_keys,
    drop_cac_branches,
    plain_head_cfg,
)
from mmseg.models.losses.cac_diagnostics import DIAGNOSTICS
from mmseg.registry import MODELS
from mmseg.utils import load_weights
from tests.helpers import (
    grads,
    metas,
    reaches,
    tiny_fcn,
    tiny_ocrnet,
    tiny_segformer,
    untouched,
)

NUM_CLASSES = 4
CAC = dict(proj_channel=16, weight=1.5)
LOSSES = [dict(type='CrossEntropyLoss', loss_weight=1.0),
          dict(type='CACLoss', loss_weight=0.5, max_sample=128, threshold=10)]


def plain_cfg(name: str) -> dict:
    return {'fcn': lambda: tiny_fcn(NUM_CLASSES),
            'segformer': lambda: tiny_segformer(NUM_CLASSES),
            'ocrnet': lambda: tiny_ocrnet(NUM_CLASSES)}[name]()


def head_cfg(cfg: dict) -> dict:
    """The head CAC goes on: the last stage of a cascade."""
    heads = cfg['decode_head']
    return heads[-1] if isinstance(heads, list) else heads


def cac_cfg(name: str, legacy: bool = False) -> dict:
    """The tiny model with CAC on its (last) head: the ``cac`` key, or the
    original repository's ``CAC*Head`` type with ``legacy``."""
    cfg = plain_cfg(name)
    head = head_cfg(cfg)
    head.update(loss_decode=LOSSES)
    if legacy:
        head.update(type='CAC' + head['type'], **CAC)
    else:
        head.update(cac=CAC)
    return cfg


def head_of(model: nn.Module) -> nn.Module:
    heads = model.decode_head
    return heads[-1] if isinstance(heads, nn.ModuleList) else heads


def batch(n: int = 2, size: int = 64):
    torch.manual_seed(1)
    img = torch.randn(n, 3, size, size)
    gt = torch.randint(0, NUM_CLASSES, (n, 1, size, size))
    return img, metas(n, size, size), gt


HEADS = ['fcn', 'segformer', 'ocrnet']
PREFIX = {'fcn': 'decode', 'segformer': 'decode', 'ocrnet': 'decode_1'}


@pytest.mark.parametrize('name', HEADS)
def test_cac_key_adds_both_branches_to_a_plain_head(name):
    model = build_segmentor(cac_cfg(name))
    head = head_of(model)
    assert head.with_cac and head.cac_weight == 1.5
    assert type(head).__name__ == head_cfg(plain_cfg(name))['type']
    keys = set(head.state_dict())
    for key in ('proj.0.conv.weight', 'proj.0.bn.running_var',
                'proj.1.module.conv.weight', 'proj.1.module.conv.bias'):
        assert key in keys, key
    # the confidence branch is a second instance of the head, key for key
    own = {k for k in keys if not k.startswith(('proj.', 'weight_branch.'))}
    branch = {k[len('weight_branch.'):] for k in keys
              if k.startswith('weight_branch.')}
    assert branch == own
    assert not head.weight_branch.with_cac
    assert head.weight_branch.sampler is None
    assert head.proj[0].conv.in_channels == (
        sum(head.in_channels) if isinstance(head.in_channels, list)
        else head.in_channels)


@pytest.mark.parametrize('legacy', [False, True])
@pytest.mark.parametrize('name', HEADS)
def test_cac_losses_and_gradient_paths(name, legacy):
    model = build_segmentor(cac_cfg(name, legacy))
    model.init_weights()
    model.train()
    head = head_of(model)
    losses = model.forward_train(*batch())
    prefix = PREFIX[name]
    assert {k for k in losses if k.startswith(prefix + '.')} == {
        f'{prefix}.{k}' for k in ('loss_ce', 'loss_ce_weight', 'loss_cac',
                                  'acc_seg', 'acc_seg_weight', *(
                                      f'cac_{d}' for d in DIAGNOSTICS))}
    loss_ce, loss_ce_weight, loss_cac = (
        losses[f'{prefix}.{k}'] for k in ('loss_ce', 'loss_ce_weight',
                                          'loss_cac'))
    assert loss_cac > 0
    assert reaches(loss_ce, model.backbone)
    assert untouched(loss_ce, head.weight_branch)
    assert reaches(loss_ce_weight, head.weight_branch)
    assert untouched(loss_ce_weight, model.backbone)
    assert untouched(loss_ce_weight, head.conv_seg)
    if name == 'ocrnet':  # nor the first stage, whose logits it refines
        assert untouched(loss_ce_weight, model.decode_head[0])
    assert reaches(loss_cac, head.proj[1])  # computed at the anchors
    assert reaches(loss_cac, model.backbone)
    assert untouched(loss_cac, head.conv_seg)


@pytest.mark.parametrize('name', HEADS)
def test_segmentation_branch_is_the_plain_head(name):
    plain = build_segmentor(plain_cfg(name))
    plain.init_weights()
    cac = build_segmentor(cac_cfg(name))
    extra = set(cac.state_dict()) - set(plain.state_dict())
    assert set(plain.state_dict()) < set(cac.state_dict())
    assert extra == set(cac_branch_keys(cac.state_dict()))
    cac.load_state_dict(plain.state_dict(), strict=False)
    img, img_metas, _ = batch()
    plain.eval()
    cac.eval()
    calls = []
    head = head_of(cac)
    for branch in (head.proj, head.weight_branch):
        branch.register_forward_pre_hook(lambda *args: calls.append(1))
    with torch.no_grad():
        torch.testing.assert_close(cac.encode_decode(img, img_metas),
                                   plain.encode_decode(img, img_metas),
                                   rtol=0, atol=0)
    assert not calls


@pytest.mark.parametrize('name', HEADS)
def test_projection_at_the_anchors_equals_the_full_map(name):
    model = build_segmentor(cac_cfg(name))
    model.init_weights()
    model.train()
    head = head_of(model)
    img, _, gt = batch()
    feats = model.extract_feat(img)
    prev = (model.decode_head[0](feats), ) if name == 'ocrnet' else ()
    torch.manual_seed(5)  # the anchors' random priorities
    anchors_only = head.train_losses(feats, prev, gt)['loss_cac']
    torch.manual_seed(5)
    out = head.cac_outputs(feats, *prev)
    full = head.losses(out.logits, gt, out.confidence_logits,
                       out.projection)['loss_cac']
    torch.testing.assert_close(anchors_only, full)
    for g_a, g_f in zip(grads(anchors_only, head.proj),
                        grads(full, head.proj)):
        torch.testing.assert_close(g_a, g_f, rtol=1e-5, atol=1e-7)


def test_cac_ocr_head_is_ocr_head_with_the_cac_key():
    generic = build_segmentor(cac_cfg('ocrnet'))
    legacy = build_segmentor(cac_cfg('ocrnet', legacy=True))
    assert set(generic.state_dict()) == set(legacy.state_dict())
    legacy.load_state_dict(generic.state_dict(), strict=True)
    generic.train()
    legacy.train()
    img, img_metas, gt = batch()
    torch.manual_seed(2)
    expected = generic.forward_train(img, img_metas, gt)
    torch.manual_seed(2)
    got = legacy.forward_train(img, img_metas, gt)
    assert set(got) == set(expected)
    for key in expected:
        torch.testing.assert_close(got[key], expected[key], msg=key)


def test_cac_on_an_auxiliary_head():
    cfg = tiny_fcn(NUM_CLASSES)
    aux = copy.deepcopy(cfg['decode_head'])
    aux.update(cac=CAC, loss_decode=LOSSES)
    cfg['auxiliary_head'] = aux
    model = build_segmentor(cfg)
    model.train()
    losses = model.forward_train(*batch())
    assert {'aux.loss_cac', 'aux.loss_ce_weight', 'decode.loss_ce'} <= \
        set(losses)
    assert 'decode.loss_cac' not in losses


@pytest.mark.parametrize('change, message', [
    (dict(loss_decode=LOSSES), 'needs CAC branches: add cac=dict'),
    (dict(cac=CAC), "add dict(type='CACLoss'"),
    (dict(cac=dict(CAC, proj=8), loss_decode=LOSSES),
     "unknown key(s) ['proj'] in cac"),
    (dict(cac=16, loss_decode=LOSSES), 'cac must be a dict'),
])
def test_inconsistent_cac_configs_are_one_line_errors(change, message):
    cfg = tiny_fcn(NUM_CLASSES)
    cfg['decode_head'].update(change)
    with pytest.raises((ValueError, TypeError)) as err:
        build_segmentor(cfg)
    assert message in str(err.value)
    assert '\n' not in str(err.value)


def test_cac_key_on_a_legacy_cac_head_or_a_non_head_is_refused():
    cfg = tiny_fcn(NUM_CLASSES, head_type='CACFCNHead', proj_channel=8,
                   loss_decode=LOSSES)
    cfg['decode_head']['cac'] = CAC
    with pytest.raises(ValueError, match='has CAC.s branches already'):
        build_segmentor(cfg)
    with pytest.raises(TypeError, match='cac applies to decode heads'):
        build_head(dict(type='CrossEntropyLoss', cac=CAC))


@pytest.mark.parametrize('cfg', [
    dict(type='FCNHead', channels=8, cac=CAC, loss_decode=LOSSES),
    dict(type='CACFCNHead', channels=8, loss_decode=LOSSES, **CAC),
])
def test_plain_head_cfg_removes_every_cac_part(cfg):
    plain = plain_head_cfg(cfg, MODELS)
    assert plain == dict(type='FCNHead', channels=8,
                         loss_decode=[LOSSES[0]])
    assert 'cac' in cfg or cfg['type'] == 'CACFCNHead'  # input untouched


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_cac_checkpoint_tests_under_the_plain_config(tmp_path):
    logger = MMLogger.get_current_instance()
    records = Records()
    logger.addHandler(records)
    cac = build_segmentor(cac_cfg('fcn'))
    cac.init_weights()
    path = tmp_path / 'cac.pth'
    torch.save(dict(state_dict=cac.state_dict(), meta=dict(iter=2)), path)
    plain = build_segmentor(plain_cfg('fcn'))
    try:
        meta = load_weights(plain, str(path), drop=drop_cac_branches)
        assert meta == dict(iter=2)
    finally:
        logger.removeHandler(records)
    for key, value in plain.state_dict().items():
        assert torch.equal(value, cac.state_dict()[key]), key
    (message, ) = [m for m in records.messages if 'dropped' in m]
    assert message == (f'{path}: 16 keys of CAC training branches '
                       '(decode_head: proj, weight_branch) are not used by '
                       'this model and are dropped')
    with pytest.raises(ValueError, match='unexpected'):
        load_weights(plain, str(path))  # resuming/fine-tuning stays strict
    # the reverse is an error: the CAC branches would stay random
    plain_path = tmp_path / 'plain.pth'
    torch.save(dict(state_dict=plain.state_dict()), plain_path)
    with pytest.raises(ValueError, match='missing'):
        load_weights(cac, str(plain_path), drop=drop_cac_branches)
