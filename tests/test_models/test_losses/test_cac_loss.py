"""CACLoss against a plain per-(image, class) loop written for this test."""
import pytest
import torch
import torch.nn.functional as F

from mmseg.models import build_loss
from tests.helpers import random_case


def loop_reference(loss_fn, predict, feature_map, label, weight_logit):
    """The CAC definition, one group at a time (sorting flags on)."""
    b, c, h, w = predict.shape
    label = F.interpolate(label[:, None].float(), size=(h, w),
                          mode='nearest')[:, 0].long().reshape(b, -1)
    logits = predict.reshape(b, c, -1).transpose(1, 2)
    prob, pred = logits.softmax(-1), logits.argmax(-1)
    feats = F.normalize(feature_map.reshape(b, -1, h * w).transpose(1, 2),
                        dim=-1)
    wprob = weight_logit.reshape(b, c, -1).transpose(1, 2).softmax(-1)

    groups = []
    for i in range(b):
        for cls in range(c):
            if (label[i] == cls).sum() > loss_fn.threshold:
                groups.append((i, cls))
    if not groups:
        return None
    n_view = min(loss_fn.max_sample // len(groups), loss_fn.threshold)
    rows = []
    for i, cls in groups:
        valid = (label[i] != 255) & (label[i] < c)
        easy = ((label[i] == cls) & (pred[i] == cls)).nonzero()[:, 0]
        if loss_fn.fp:
            hard_mask = valid & (label[i] != cls) & (pred[i] == cls)
        else:
            hard_mask = (label[i] == cls) & (pred[i] != cls)
        hard = hard_mask.nonzero()[:, 0]
        nh, ne = len(hard), len(easy)
        if nh >= n_view / 2 and ne >= n_view / 2:
            kh, ke = n_view // 2, n_view - n_view // 2
        elif nh >= n_view / 2:
            kh, ke = n_view - ne, ne
        elif ne >= n_view / 2:
            kh, ke = nh, n_view - nh
        else:
            kh, ke = nh, ne
        p = prob[i, :, cls]
        hard = hard[torch.sort(-p[hard], stable=True).indices[:kh]]
        easy = easy[torch.sort(p[easy], stable=True).indices[:ke]]
        rows += [(i, j) for j in torch.cat([hard, easy]).tolist()]
    if not rows:
        return None
    img, pix = torch.tensor(rows).T
    f, y, pw = feats[img, pix], label[img, pix], wprob[img, pix]

    n = len(y)
    loss_sum = torch.zeros(int(y.max()) + 1)
    count = torch.zeros(int(y.max()) + 1)
    for a in range(n):
        others = [k for k in range(n) if k != a]
        conf = torch.stack([1 - (pw[a, y[k]] + pw[k, y[a]]) / 2
                            for k in others])
        contrast = f.detach() if loss_fn.detach else f
        sim = torch.stack([f[a] @ contrast[k] for k in range(n)])
        sim = sim / loss_fn.temperature
        sim = sim - sim.max().detach()
        sim_o = sim[others]
        log_denominator = torch.log((sim_o.exp() * conf).sum() + 1e-16)
        pos = torch.tensor([bool(y[k] == y[a]) for k in others])
        term = (conf * pos * (sim_o - log_denominator)).sum() / (
            pos.sum() + 1e-16)
        loss_sum[y[a]] = loss_sum[y[a]] - term * (
            loss_fn.temperature / loss_fn.base_temperature)
        count[y[a]] += 1
    return (loss_sum / count.clamp(min=1)).mean() * loss_fn.loss_weight


def run(loss_fn, predict, feature_map, label, weight_logit, reference):
    fm = feature_map.clone().requires_grad_()
    wl = weight_logit.clone().requires_grad_()
    fn = loop_reference if reference else loss_fn
    args = (predict, fm, label, wl)
    loss = fn(loss_fn, *args) if reference else fn(
        predict=predict, feature_map=fm, label=label, weight_logit=wl)
    loss.backward()
    return loss.detach(), fm.grad, wl.grad


@pytest.mark.parametrize('kwargs, shape', [
    (dict(threshold=5, max_sample=64), (2, 5, 8, 8, 2, 5)),
    (dict(threshold=5, max_sample=64, fp=True), (2, 5, 8, 8, 2, 5)),
    (dict(threshold=5, max_sample=64, detach=True), (2, 5, 8, 8, 2, 5)),
    (dict(threshold=3, max_sample=32), (1, 6, 8, 8, 1, 6)),
    (dict(threshold=1, max_sample=200), (2, 171, 12, 12, 1, 40)),
    (dict(threshold=20, max_sample=7), (2, 4, 8, 8, 4, 4)),
])
def test_vectorised_loss_equals_loop_reference(kwargs, shape):
    b, c, h, w, scale, present = shape
    loss_fn = build_loss(dict(type='CACLoss', loss_weight=0.4,
                              hard_sort_hardmining=True,
                              easy_sort_hardmining=True, **kwargs))
    case = random_case(b, c, h, w, scale, present)
    expected = run(loss_fn, *case, reference=True)
    got = run(loss_fn, *case, reference=False)
    for e, g in zip(expected, got):
        torch.testing.assert_close(g, e, atol=1e-5, rtol=1e-5)


def test_random_mining_keeps_the_right_number_per_group():
    loss_fn = build_loss(dict(type='CACLoss', threshold=10, max_sample=60))
    predict, feature_map, label, _ = random_case(2, 4, 16, 16, 1, 4)
    _, chosen_pix, chosen_label = loss_fn._select_anchors(
        predict, label, (16, 16), 255)
    flat = label.reshape(2, -1)
    counts = torch.stack([torch.bincount(flat[i][flat[i] < 4], minlength=4)
                          for i in range(2)])
    n_view = min(60 // int((counts > 10).sum()), 10)
    per_class = torch.bincount(chosen_label, minlength=4)
    assert per_class.sum() == len(chosen_pix)
    assert (per_class <= n_view * 2).all()
    assert chosen_label.lt(4).all()
    # two calls pick different random subsets but the same group sizes
    again = loss_fn._select_anchors(predict, label, (16, 16), 255)[2]
    assert torch.equal(torch.bincount(again, minlength=4), per_class)


def test_no_qualifying_class_gives_an_attached_zero():
    loss_fn = build_loss(dict(type='CACLoss', threshold=10_000))
    predict, feature_map, label, weight_logit = random_case(1, 3, 4, 4, 1, 3)
    fm = feature_map.requires_grad_()
    loss = loss_fn(predict, fm, label, weight_logit)
    assert loss.item() == 0 and loss.requires_grad
    loss.backward()
    assert torch.equal(fm.grad, torch.zeros_like(fm))


def test_too_many_groups_for_max_sample_gives_zero_not_an_error():
    loss_fn = build_loss(dict(type='CACLoss', threshold=1, max_sample=2))
    case = random_case(2, 5, 8, 8, 1, 5)
    assert loss_fn(*case).item() == 0


def test_gates_compose_and_zero_the_weight():
    loss_fn = build_loss(dict(type='CACLoss', loss_weight=0.3, threshold=5))
    loss_fn.set_gate('warmup', False)
    loss_fn.set_gate('final_stop', True)
    assert loss_fn.loss_weight == 0
    case = random_case(1, 3, 8, 8, 1, 3)
    assert loss_fn(*case).item() == 0
    loss_fn.set_gate('warmup', True)
    assert loss_fn.loss_weight == 0.3
    assert loss_fn(*case).item() != 0


def test_loss_stays_float32_under_autocast():
    """AMP hands bfloat16 (CPU) / float16 (CUDA) maps; the loss, its
    similarity matrix included, must still be computed in float32."""
    loss_fn = build_loss(dict(type='CACLoss', threshold=5, max_sample=64,
                              hard_sort_hardmining=True,
                              easy_sort_hardmining=True))
    predict, feature_map, label, weight_logit = random_case(
        2, 5, 8, 8, 2, 5, d=32)
    # large confidence logits: a float16 softmax/exp would overflow
    half = [t.bfloat16() for t in (predict, feature_map, 60 * weight_logit)]
    expected = run(loss_fn, *(t.float() for t in half[:2]), label,
                   half[2].float(), reference=False)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        got = run(loss_fn, half[0], half[1], label, half[2],
                  reference=False)
    assert got[0].dtype == torch.float32 and torch.isfinite(got[0])
    torch.testing.assert_close(got[0], expected[0], atol=1e-6, rtol=1e-6)
    for g, e in zip(got[1:], expected[1:]):
        assert torch.isfinite(g).all()
        torch.testing.assert_close(g.float(), e, atol=1e-2, rtol=1e-2)
