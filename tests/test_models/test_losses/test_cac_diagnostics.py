"""Anchor diagnostics of CACLoss: values by hand, no effect on the loss."""
import pytest
import torch

from mmseg.models import build_loss
from mmseg.models.losses.cac_diagnostics import (
    DIAGNOSTICS,
    anchor_diagnostics,
)
from tests.conftest import load_golden


def test_pair_weights_and_counts_by_hand():
    label = torch.tensor([0, 0, 1])
    hard = torch.tensor([True, False, False])
    prob = torch.tensor([[0.6, 0.4], [0.8, 0.2], [0.3, 0.7]])
    stats = anchor_diagnostics(label, hard, prob, n_view=2,
                               short_share=torch.tensor(0.5))
    # positives: (0, 1) and (1, 0), weight 1 - (p_0(0) + p_1(0)) / 2
    pos = 1 - (0.6 + 0.8) / 2
    # negatives: (0, 2), (1, 2) and their transposes
    neg_02 = 1 - (0.4 + 0.3) / 2
    neg_12 = 1 - (0.2 + 0.3) / 2
    expected = dict(classes=2, anchors=3, anchors_min=1, anchors_mean=1.5,
                    hard_share=1 / 3, n_view=2, short_share=0.5,
                    pos_weight=pos, neg_weight=(neg_02 + neg_12) / 2)
    assert set(stats) == set(DIAGNOSTICS)
    for key, value in expected.items():
        assert stats[key].item() == pytest.approx(value), key
        assert stats[key].dim() == 0


def one_image_case():
    """Class 0 (32 px, 3 of them predicted as 1) and class 1 (32 px)."""
    label = torch.zeros(1, 8, 8, dtype=torch.long)
    label[:, 4:] = 1
    predict = torch.zeros(1, 2, 8, 8)
    predict[0, 0, :4] = 5.0
    predict[0, 1, 4:] = 5.0
    predict[0, :, 0, :3] = torch.tensor([0.0, 5.0])[:, None]  # hard
    feature = torch.randn(1, 4, 8, 8,
                          generator=torch.Generator().manual_seed(0))
    weight_logit = torch.randn(1, 2, 8, 8,
                               generator=torch.Generator().manual_seed(1))
    return predict, feature, label, weight_logit


def test_anchor_counts_of_a_loss_call():
    loss_fn = build_loss(dict(type='CACLoss', threshold=10, max_sample=40,
                              hard_sort_hardmining=True,
                              easy_sort_hardmining=True))
    predict, feature, label, weight_logit = one_image_case()
    stats = {}
    loss_fn(predict, feature, label, weight_logit, stats=stats)
    # both classes qualify; n_view = min(40 // 2, 10) = 10; class 0 keeps
    # its 3 hard anchors and 7 easy ones, class 1 10 easy ones
    expected = dict(classes=2, anchors=20, anchors_min=10, anchors_mean=10,
                    hard_share=3 / 20, n_view=10, short_share=0)
    for key, value in expected.items():
        assert stats[f'cac_{key}'].item() == pytest.approx(value), key
    assert 0 < stats['cac_pos_weight'] <= 1
    assert 0 < stats['cac_neg_weight'] <= 1


def test_groups_short_of_n_view_with_false_positive_anchors():
    # with ``fp`` a group is the pixels predicted as its class: class 1 is
    # labelled on 32 pixels but predicted on 4 of them (easy) and on 3
    # pixels of class 0 (hard), 7 members for a budget of 10
    loss_fn = build_loss(dict(type='CACLoss', threshold=10, max_sample=40,
                              fp=True, hard_sort_hardmining=True,
                              easy_sort_hardmining=True))
    predict, feature, label, weight_logit = one_image_case()
    predict[0, :, 4:] = torch.tensor([5.0, 0.0])[:, None, None]
    predict[0, :, 7, :4] = torch.tensor([0.0, 5.0])[:, None]
    stats = {}
    loss_fn(predict, feature, label, weight_logit, stats=stats)
    assert stats['cac_n_view'] == 10
    assert stats['cac_short_share'].item() == pytest.approx(0.5)
    # group 0 keeps 5 hard + 5 easy, group 1 its 3 hard + 4 easy
    assert stats['cac_anchors'] == 17
    assert stats['cac_hard_share'].item() == pytest.approx(8 / 17)


def test_warmup_and_empty_steps_report_zeros():
    loss_fn = build_loss(dict(type='CACLoss', threshold=100))
    predict, feature, label, weight_logit = one_image_case()
    stats = {}
    loss_fn(predict, feature, label, weight_logit, stats=stats)  # < 100 px
    assert {k: v.item() for k, v in stats.items()} == \
        {f'cac_{k}': 0 for k in DIAGNOSTICS}
    loss_fn.set_gate('warmup', False)
    stats = {}
    loss_fn(predict, feature, label, weight_logit, stats=stats)
    assert set(stats) == {f'cac_{k}' for k in DIAGNOSTICS}


@pytest.mark.parametrize('name', ['cac_loss_default', 'cac_loss_few_classes'])
def test_diagnostics_change_no_loss_value(name):
    case = load_golden(name)
    results = []
    for diagnostics in (True, False):
        loss_fn = build_loss(dict(type='CACLoss', diagnostics=diagnostics,
                                  **case['kwargs']))
        feature = case['feature_map'].clone().requires_grad_()
        weight = case['weight_logit'].clone().requires_grad_()
        stats = {}
        torch.manual_seed(0)
        loss = loss_fn(predict=case['predict'], feature_map=feature,
                       label=case['label'], weight_logit=weight,
                       ignore_index=255, stats=stats)
        loss.backward()
        results.append((loss, feature.grad, weight.grad, stats))
    (on_loss, on_gf, on_gw, on_stats), (off_loss, off_gf, off_gw,
                                        off_stats) = results
    assert torch.equal(on_loss, off_loss)
    assert torch.equal(on_gf, off_gf) and torch.equal(on_gw, off_gw)
    assert len(on_stats) == len(DIAGNOSTICS) and off_stats == {}
    assert on_stats['cac_anchors'] > 0


def test_pair_weights_of_the_loss_give_the_same_diagnostics():
    g = torch.Generator().manual_seed(0)
    label = torch.randint(0, 4, (30, ), generator=g)
    prob = torch.rand(30, 4, generator=g).softmax(1)
    hard = torch.rand(30, generator=g) > 0.5
    feature = torch.nn.functional.normalize(torch.randn(30, 8, generator=g),
                                            dim=1)
    loss_fn = build_loss(dict(type='CACLoss'))
    pairs = {}
    loss_fn._contrastive(feature, label, prob, pairs=pairs)
    assert pairs['weight'].shape == (30, 30)
    assert not pairs['weight'].diagonal().any()
    common = dict(n_view=5, short_share=torch.tensor(0.))
    reused = anchor_diagnostics(label, hard, prob, pairs=pairs, **common)
    fresh = anchor_diagnostics(label, hard, prob, **common)
    for key in DIAGNOSTICS:
        torch.testing.assert_close(reused[key], fresh[key], rtol=0, atol=0,
                                   msg=key)
