"""TverskyLoss: a direct formula, and 0.28's values and gradients."""
import pytest
import torch

from mmseg.models import build_loss
from tests.conftest import REPO_ROOT

CASES = (REPO_ROOT / 'tests' / 'data' / 'reference_028' /
         'dice_focal_lovasz_tversky_losses.pt')


def direct_tversky(logits, label, alpha=0.3, beta=0.7, smooth=1.0,
                   class_weight=None, ignore_index=255):
    """Per class c (other than ``ignore_index``) and image: TP, FP, FN of
    the probabilities over the non-ignored pixels, 1 - (TP + s) / (TP +
    alpha FP + beta FN + s), where a label out of range counts as the last
    class (when it is not ``ignore_index``); image mean, class weight,
    summed, divided by the number of classes."""
    probs = logits.softmax(dim=1)
    n, c = probs.shape[:2]
    total = 0.
    for k in range(c):
        if k == ignore_index:
            continue
        per_image = []
        for i in range(n):
            v = label[i] != ignore_index
            p = probs[i, k][v]
            t = (label[i][v].clamp(0, c - 1) == k).float()
            tp, fp, fn = (p * t).sum(), (p * (1 - t)).sum(), \
                ((1 - p) * t).sum()
            per_image.append(1 - (tp + smooth) /
                             (tp + alpha * fp + beta * fn + smooth))
        weight = 1 if class_weight is None else class_weight[k]
        total = total + weight * sum(per_image) / n
    return total / c


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(2)
    logits = torch.randn(2, 3, 6, 5, generator=gen)
    label = torch.randint(0, 3, (2, 6, 5), generator=gen)
    label[1, 3:, :] = 255
    return logits, label


@pytest.mark.parametrize('kwargs', [
    dict(), dict(alpha=0.5, beta=0.5, smooth=0.1),
    dict(class_weight=[3.0, 1.0, 0.2]), dict(ignore_index=1)
])
def test_matches_the_formula(data, kwargs):
    logits, label = data
    loss = build_loss(dict(type='TverskyLoss', loss_weight=0.5, **kwargs))
    torch.testing.assert_close(loss(logits, label),
                               0.5 * direct_tversky(logits, label, **kwargs))


def test_arguments(data):
    logits, label = data
    loss = build_loss(dict(type='TverskyLoss'))
    assert loss.loss_name == 'loss_tversky'
    # a head's weights and ignore_index are not used, as in 0.28
    torch.testing.assert_close(
        loss(logits, label, weight=torch.rand(2, 6, 5), ignore_index=0),
        loss(logits, label))
    with pytest.raises(ValueError, match='alpha \\+ beta must be 1'):
        build_loss(dict(type='TverskyLoss', alpha=0.5, beta=0.7))


def test_matches_028():
    ref = torch.load(CASES, weights_only=False)
    cases = [c for c in ref['cases']
             if c['config']['type'] == 'TverskyLoss']
    assert len(cases) == 4
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
