"""0.28 parity of CCHead, PSAHead, EncHead, FPNHead (+FPN), PointHead
(cascade) and JPU: 0.28's state dict loads strictly, outputs match."""
import copy
from pathlib import Path

import pytest
import torch

from mmseg.models import build_segmentor
from tests.helpers import metas

DATA = Path(__file__).parents[2] / 'data' / 'reference_028'
FAMILIES = ['ccnet', 'psanet', 'encnet', 'sem_fpn', 'point_rend', 'fastfcn']


def unpack(packed: dict) -> dict:
    state, offset = {}, 0
    for key, shape, is_float in zip(packed['keys'], packed['shapes'],
                                    packed['float']):
        count = int(torch.Size(shape).numel())
        value = packed['values'][offset:offset + count].view(shape)
        state[key] = value if is_float else value.long()
        offset += count
    return state


def load(family: str):
    case = torch.load(DATA / f'{family}.pt', weights_only=False)
    model = build_segmentor(copy.deepcopy(case['config']))
    model.load_state_dict(unpack(case['state_dict']), strict=True)
    return case, model


@pytest.mark.parametrize('family', FAMILIES)
def test_eval_logits_match_028(family):
    case, model = load(family)
    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(case['img'], metas(2, 32, 32))
    torch.testing.assert_close(logits[:, :, ::2, ::2], case['logits'],
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('family', FAMILIES)
def test_train_losses_and_gradients_match_028(family):
    case, model = load(family)
    model.train()
    torch.manual_seed(1)  # PointHead's random points: the same stream
    losses = model.forward_train(case['img'], metas(2, 32, 32),
                                 case['gt'].long())
    assert set(losses) == set(case['losses'])
    for name, value in case['losses'].items():
        torch.testing.assert_close(losses[name].detach(), value, rtol=1e-5,
                                   atol=1e-5, msg=name)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    params = dict(model.named_parameters())
    for key, grad in zip(case['grads']['keys'], case['grads']['values']):
        torch.testing.assert_close(params[key].grad, grad, rtol=1e-4,
                                   atol=1e-6, msg=key)
