"""LovaszLoss: the Lovasz extension computed directly from its definition,
and 0.28's values and gradients."""
import pytest
import torch

from mmseg.models import build_loss
from tests.conftest import REPO_ROOT

CASES = (REPO_ROOT / 'tests' / 'data' / 'reference_028' /
         'dice_focal_lovasz_tversky_losses.pt')


def lovasz_extension(errors, fg):
    """The Lovasz extension of the Jaccard loss J(m) = 1 - |fg - m| /
    |fg + m| over error sets m, at ``errors``: sum_i e_(i) (J(M_i) -
    J(M_{i-1})) with M_i the i largest errors (the paper's eq. 8)."""
    order = sorted(range(len(errors)), key=lambda i: -float(errors[i]))
    gts = float(fg.sum())

    def jaccard_loss(chosen):
        inter = gts - sum(float(fg[i]) for i in chosen)
        union = gts + sum(1 - float(fg[i]) for i in chosen)
        return 1 - inter / union

    total, prev = 0., 0.
    for k in range(1, len(order) + 1):
        cur = jaccard_loss(order[:k])
        total += float(errors[order[k - 1]]) * (cur - prev)
        prev = cur
    return total


def direct_softmax(logits, label, classes='present', class_weight=None,
                   ignore_index=255):
    probs = logits.softmax(1).movedim(1, -1).reshape(-1, logits.size(1))
    label = label.reshape(-1)
    keep = label != ignore_index
    probs, label = probs[keep], label[keep]
    chosen = range(probs.size(1)) if classes in ('all', 'present') \
        else classes
    losses = []
    for c in chosen:
        fg = (label == c).float()
        if classes == 'present' and fg.sum() == 0:
            continue
        loss = lovasz_extension((fg - probs[:, c]).abs(), fg)
        losses.append(loss * (1 if class_weight is None else
                              class_weight[c]))
    return sum(losses) / len(losses)


@pytest.fixture
def data():
    gen = torch.Generator().manual_seed(4)
    logits = torch.randn(2, 4, 3, 4, generator=gen)
    label = torch.randint(0, 3, (2, 3, 4), generator=gen)  # class 3 absent
    label[0, 0, :2] = 255
    return logits, label


@pytest.mark.parametrize('kwargs', [
    dict(), dict(classes='all'), dict(classes=[1, 3]),
    dict(class_weight=[1.0, 2.0, 0.5, 4.0])
])
def test_softmax_matches_the_definition(data, kwargs):
    logits, label = data
    loss = build_loss(dict(type='LovaszLoss', reduction='none', **kwargs))
    expected = direct_softmax(logits, label, **kwargs)
    assert loss(logits, label).item() == pytest.approx(expected, abs=1e-6)


def test_per_image_reductions(data):
    logits, label = data
    per_image = [direct_softmax(x[None], y[None]) for x, y in zip(logits,
                                                                  label)]
    cfg = dict(type='LovaszLoss', per_image=True, loss_weight=2.0)
    loss = build_loss(cfg)
    assert loss(logits, label).item() == pytest.approx(
        2 * sum(per_image) / 2, abs=1e-6)
    assert loss(logits, label, reduction_override='sum').item() == \
        pytest.approx(2 * sum(per_image), abs=1e-6)
    assert loss(logits, label, avg_factor=3.0).item() == pytest.approx(
        2 * sum(per_image) / 3, abs=1e-6)


def test_binary_hinge_matches_the_definition(data):
    logits, label = data
    binary = (label == 1).long()
    binary[label == 255] = 255
    x = logits[:, :1]
    keep = binary.reshape(-1) != 255
    flat, y = x.reshape(-1)[keep], binary.reshape(-1)[keep].float()
    errors = (1 - flat * (2 * y - 1)).clamp(min=0)
    loss = build_loss(dict(type='LovaszLoss', loss_type='binary',
                           reduction='none'))
    assert loss(x, binary).item() == pytest.approx(
        lovasz_extension(errors, y), abs=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="reduction='none'"):
        build_loss(dict(type='LovaszLoss'))
    with pytest.raises(ValueError, match='loss_type'):
        build_loss(dict(type='LovaszLoss', loss_type='x', reduction='none'))
    with pytest.raises(ValueError, match='classes'):
        build_loss(dict(type='LovaszLoss', classes='some', reduction='none'))


def test_matches_028():
    ref = torch.load(CASES, weights_only=False)
    cases = [c for c in ref['cases'] if c['config']['type'] == 'LovaszLoss']
    assert len(cases) == 9
    for case in cases:
        pred = ref['binary_pred' if case['binary'] else 'pred']
        pred = pred.clone().requires_grad_()
        loss = build_loss(dict(case['config']))(pred, case['target'],
                                                **case['kwargs'])
        loss.sum().backward()
        msg = str(case['config'])
        torch.testing.assert_close(loss.detach(), case['loss'], atol=1e-6,
                                   rtol=0, msg=msg)
        torch.testing.assert_close(pred.grad, case['grad'], atol=1e-6,
                                   rtol=0, msg=msg)
