"""Our models reproduce MMSegmentation 0.28 / original CAC outputs."""
import copy

import pytest
import torch

from mmseg.models import build_segmentor
from tests.conftest import load_golden

MODEL_CASES = ['fcn_hrnet_baseline']


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
