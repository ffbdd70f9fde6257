"""Our models reproduce MMSegmentation 0.28 / original CAC outputs."""
import copy

import pytest
import torch

from mmseg.models import build_loss, build_segmentor
from tests.conftest import load_golden

MODEL_CASES = [
    'fcn_hrnet_baseline', 'fcn_hrnet_cac', 'deeplabv3plus_r50', 'upernet_swin'
]
LOSS_CASES = [
    'cac_loss_default', 'cac_loss_few_classes', 'cac_loss_max_sample'
]


@pytest.mark.parametrize('name', MODEL_CASES)
def test_model_matches_reference(name):
    case = load_golden(name)
    model = build_segmentor(copy.deepcopy(case['config']))
    model.load_state_dict(case['state_dict'], strict=True)

    model.train()
    losses = model.forward_train(case['img'], case['img_metas'], case['gt'])
    assert set(case['train_losses']) <= set(losses)
    for key, expected in case['train_losses'].items():
        torch.testing.assert_close(losses[key].detach().reshape(expected.shape),
                                   expected, atol=1e-5, rtol=0, msg=key)

    # train mode updated the BN statistics: reload before eval checks
    model.load_state_dict(case['state_dict'], strict=True)
    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(case['img'], case['img_metas'])
        pred = model.simple_test(case['img'][:1], case['img_metas'][:1],
                                 rescale=True)
    torch.testing.assert_close(logits, case['encode_decode'], atol=1e-5,
                               rtol=0)
    assert torch.equal(torch.as_tensor(pred[0])[None], case['simple_test'])


@pytest.mark.parametrize('name', LOSS_CASES)
def test_cac_loss_matches_reference(name):
    case = load_golden(name)
    loss_fn = build_loss(dict(type='CACLoss', **case['kwargs']))
    feature_map = case['feature_map'].clone().requires_grad_()
    weight_logit = case['weight_logit'].clone().requires_grad_()
    loss = loss_fn(predict=case['predict'], feature_map=feature_map,
                   label=case['label'], weight_logit=weight_logit,
                   ignore_index=255)
    loss.backward()
    torch.testing.assert_close(loss.detach(), case['loss'], atol=1e-5,
                               rtol=0)
    torch.testing.assert_close(feature_map.grad, case['grad_feature_map'],
                               atol=1e-5, rtol=0)
    torch.testing.assert_close(weight_logit.grad, case['grad_weight_logit'],
                               atol=1e-5, rtol=0)
