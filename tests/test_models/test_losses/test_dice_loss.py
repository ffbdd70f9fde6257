"""DiceLoss: a direct formula, and 0.28's values and gradients."""
import pytest
import torch

from mmseg.models import build_loss
from tests.conftest import REPO_ROOT

CASES = (REPO_ROOT / 'tests' / 'data' / 'reference_028' /
         'dice_focal_lovasz_tversky_losses.pt')


def direct_dice(logits, label, smooth=1.0, exponent=2, class_weight=None,
                ignore_index=255):
    """0.28's definition, written out: for each class c other than
    ``ignore_index`` and each image, 1 - (2 sum(p t v) + s) /
    (sum(p^e + t^e) + s), where the one-hot t of an ignored pixel is the
    last class and v masks ignored pixels; image mean, class weight, sum
    over the kept classes, divided by all classes."""
    probs = logits.softmax(dim=1)
    n, c = probs.shape[:2]
    total = 0.
    for k in range(c):
        if k == ignore_index:
            continue
        per_image = []
        for i in range(n):
            p = probs[i, k]
            t = (label[i].clamp(0, c - 1) == k).float()
            v = (label[i] != ignore_index).float()
            num = 2 * (p * t * v).sum() + smooth
            den = (p**exponent + t**exponent).sum() + smooth
            per_image.append(1 - num / den)
        loss = sum(per_image) / n
        total = total + loss * (1 if class_weight is None
                                else class_weight[k])
    return total / c


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(1)
    logits = torch.randn(2, 4, 5, 6, generator=gen)
    label = torch.randint(0, 4, (2, 5, 6), generator=gen)
    label[0, :2, :2] = 255
    return logits, label


@pytest.mark.parametrize('kwargs', [
    dict(), dict(smooth=0.3, exponent=3), dict(class_weight=[1, 2, .5, 3]),
    dict(ignore_index=2)
])
def test_matches_the_formula(data, kwargs):
    logits, label = data
    loss = build_loss(dict(type='DiceLoss', loss_weight=2.0, **kwargs))
    torch.testing.assert_close(loss(logits, label),
                               2.0 * direct_dice(logits, label, **kwargs))


def test_reductions_and_what_it_ignores(data):
    logits, label = data
    loss = build_loss(dict(type='DiceLoss'))
    value = loss(logits, label)
    assert value.shape == ()
    for reduction in ('none', 'sum', 'mean'):
        torch.testing.assert_close(
            loss(logits, label, reduction_override=reduction), value)
    torch.testing.assert_close(loss(logits, label, avg_factor=4.0),
                               value / 4.0)
    # as in 0.28: a head's pixel weights and ignore_index are not used
    torch.testing.assert_close(
        loss(logits, label, weight=torch.rand(2, 5, 6), ignore_index=0),
        value)
    assert loss.loss_name == 'loss_dice'
    with pytest.raises(ValueError, match='avg_factor'):
        loss(logits, label, avg_factor=4.0, reduction_override='sum')


def test_matches_028():
    ref = torch.load(CASES, weights_only=False)
    cases = [c for c in ref['cases'] if c['config']['type'] == 'DiceLoss']
    assert len(cases) == 7
    for case in cases:
        pred = ref['pred'].clone().requires_grad_()
        loss = build_loss(dict(case['config']))(pred, case['target'],
                                                **case['kwargs'])
        loss.sum().backward()
        msg = str(case['config'])
        torch.testing.assert_close(loss.detach(), case['loss'].reshape(
            loss.shape), atol=1e-6, rtol=0, msg=msg)
        torch.testing.assert_close(pred.grad, case['grad'], atol=1e-6,
                                   rtol=0, msg=msg)
