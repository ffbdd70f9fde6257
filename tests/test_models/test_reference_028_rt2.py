"""BiSeNetV1/V2, STDC (with STDCHead and DiceLoss) and UNet reproduce
MMSegmentation 0.28: tiny models whose weights, input and outputs 0.28
saved (``tests/data/reference_028/``) load strictly and give the same
eval-mode logits and train-mode losses."""
import copy
import warnings

import pytest
import torch

from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.helpers import metas

FIXTURES = REPO_ROOT / 'tests' / 'data' / 'reference_028'
CASES = ['bisenetv1', 'bisenetv2', 'stdc', 'stdc2_add', 'unet',
         'unet_deconv']


def unpack(packed: dict) -> dict:
    """The state dict of a fixture: float entries stored as one float16
    vector (their values are exact in float16), the rest as numbers."""
    sizes = [torch.Size(s).numel() for s in packed['shapes']]
    values = packed['values'].float().split(sizes)
    state = {k: v.reshape(s) for k, v, s in
             zip(packed['keys'], values, packed['shapes'])}
    state.update({k: torch.tensor(v) for k, v in packed['others'].items()})
    return state


@pytest.mark.parametrize('name', CASES)
def test_tiny_model_matches_028(name):
    case = torch.load(FIXTURES / f'{name}.pt', weights_only=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # binary heads without out_channels
        model = build_segmentor(copy.deepcopy(case['config']))
    state = unpack(case['state_dict'])
    model.load_state_dict(state, strict=True)
    assert sum(p.numel() for p in model.parameters()) == case['num_params']
    img = case['input'].float()
    gt = case['gt'].long()
    n, _, h, w = img.shape

    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(img, metas(n, h, w))
    torch.testing.assert_close(logits, case['logits'], atol=1e-5, rtol=0)

    model.train()
    losses = model.forward_train(img, metas(n, h, w), gt)
    assert set(losses) == set(case['losses'])
    for key, expected in case['losses'].items():
        torch.testing.assert_close(losses[key].detach(), expected,
                                   atol=1e-5, rtol=0, msg=key)
