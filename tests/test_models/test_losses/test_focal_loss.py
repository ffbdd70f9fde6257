"""FocalLoss (its PyTorch path): a direct formula, and 0.28's values and
gradients."""
import pytest
import torch
import torch.nn.functional as F

from mmseg.models import build_loss
from tests.conftest import REPO_ROOT

CASES = (REPO_ROOT / 'tests' / 'data' / 'reference_028' /
         'dice_focal_lovasz_tversky_losses.pt')


def direct_focal(logits, label, gamma=2.0, alpha=0.5, class_weight=None,
                 ignore_index=255):
    """Element-wise -a_t (1 - p_t)^gamma log p_t of every class's sigmoid
    against the one-hot label (a_t = alpha for positives, 1 - alpha for
    negatives), times the class weight, zero at ignored pixels; (N, C, ...)
    """
    c = logits.size(1)
    valid = label != ignore_index
    onehot = F.one_hot(torch.where(valid, label, 0), c).movedim(-1, 1)
    onehot = onehot.float()
    p = logits.sigmoid()
    p_t = p * onehot + (1 - p) * (1 - onehot)
    alpha = torch.as_tensor(alpha).reshape(1, -1, *[1] * (logits.dim() - 2)) \
        if isinstance(alpha, list) else alpha
    a_t = alpha * onehot + (1 - alpha) * (1 - onehot)
    loss = -a_t * (1 - p_t)**gamma * torch.log(p_t)
    if class_weight is not None:
        loss = loss * torch.tensor(class_weight).reshape(1, -1, 1, 1)
    return loss * valid.unsqueeze(1)


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(3)
    logits = torch.randn(2, 3, 4, 4, generator=gen)
    label = torch.randint(0, 3, (2, 4, 4), generator=gen)
    label[0, 0] = 255
    return logits, label


@pytest.mark.parametrize('kwargs', [
    dict(), dict(gamma=1.0, alpha=0.25), dict(alpha=[0.1, 0.5, 0.9]),
    dict(class_weight=[1.0, 0.5, 2.0])
])
def test_matches_the_formula(data, kwargs):
    logits, label = data
    loss = build_loss(dict(type='FocalLoss', loss_weight=2.0, **kwargs))
    expected = 2.0 * direct_focal(logits, label, **kwargs)
    torch.testing.assert_close(loss(logits, label, reduction_override='none'),
                               expected)
    torch.testing.assert_close(loss(logits, label), expected.mean())
    torch.testing.assert_close(
        loss(logits, label, reduction_override='sum'), expected.sum())
    torch.testing.assert_close(loss(logits, label, avg_factor=5.0),
                               expected.sum() / 5.0)


def test_pixel_weights_and_soft_targets(data):
    logits, label = data
    loss = build_loss(dict(type='FocalLoss'))
    weight = torch.rand(2, 4, 4)
    expected = direct_focal(logits, label) * weight.unsqueeze(1)
    torch.testing.assert_close(loss(logits, label, weight=weight),
                               expected.mean())
    # targets of the prediction's shape are used as they are
    onehot = F.one_hot(label.clamp(max=2), 3).movedim(-1, 1).float()
    torch.testing.assert_close(
        loss(logits, onehot), direct_focal(logits, label.clamp(max=2)).mean())


def test_bad_arguments(data):
    logits, label = data
    with pytest.raises(ValueError, match='use_sigmoid=True'):
        build_loss(dict(type='FocalLoss', use_sigmoid=False))
    with pytest.raises(ValueError, match='target'):
        build_loss(dict(type='FocalLoss'))(logits, label[:, :2])
    with pytest.raises(ValueError, match='weight of shape'):
        build_loss(dict(type='FocalLoss'))(logits, label,
                                           weight=torch.rand(3))


def test_matches_028():
    ref = torch.load(CASES, weights_only=False)
    cases = [c for c in ref['cases'] if c['config']['type'] == 'FocalLoss']
    assert len(cases) == 10
    for case in cases:
        pred = ref['pred'].clone().requires_grad_()
        loss = build_loss(dict(case['config']))(pred, case['target'],
                                                **case['kwargs'])
        loss.sum().backward()
        msg = str(case['config'])
        torch.testing.assert_close(loss.detach(), case['loss'], atol=1e-6,
                                   rtol=0, msg=msg)
        torch.testing.assert_close(pred.grad, case['grad'], atol=1e-6,
                                   rtol=0, msg=msg)
