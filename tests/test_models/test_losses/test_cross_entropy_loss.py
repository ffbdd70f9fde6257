import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mmseg.core.seg import build_pixel_sampler
from mmseg.models import build_loss
from mmseg.models.losses import accuracy


@pytest.fixture
def logits_labels():
    logits = torch.randn(2, 5, 6, 7)
    labels = torch.randint(0, 5, (2, 6, 7))
    labels[0, :2] = 255
    return logits, labels


def test_softmax_ce_averages_over_all_pixels_by_default(logits_labels):
    logits, labels = logits_labels
    loss = build_loss(dict(type='CrossEntropyLoss', loss_weight=2.0))
    per_pixel = F.cross_entropy(logits, labels, ignore_index=255,
                                reduction='none')
    expected = 2.0 * per_pixel.sum() / labels.numel()
    torch.testing.assert_close(loss(logits, labels, ignore_index=255),
                               expected)


def test_avg_non_ignore_matches_torch(logits_labels):
    logits, labels = logits_labels
    loss = build_loss(dict(type='CrossEntropyLoss', avg_non_ignore=True))
    torch.testing.assert_close(
        loss(logits, labels, ignore_index=255),
        F.cross_entropy(logits, labels, ignore_index=255))


@pytest.mark.parametrize('source', ['list', 'npy', 'json'])
def test_class_weight_from_list_or_file(tmp_path, logits_labels, source):
    logits, labels = logits_labels
    weights = [0.5, 1.0, 1.5, 2.0, 2.5]
    if source == 'npy':
        path = tmp_path / 'w.npy'
        np.save(path, np.array(weights))
        class_weight = str(path)
    elif source == 'json':
        path = tmp_path / 'w.json'
        path.write_text(json.dumps(weights))
        class_weight = str(path)
    else:
        class_weight = weights
    loss = build_loss(dict(type='CrossEntropyLoss',
                           class_weight=class_weight, reduction='sum'))
    expected = F.cross_entropy(logits, labels, weight=torch.tensor(weights),
                               ignore_index=255, reduction='sum')
    torch.testing.assert_close(loss(logits, labels, ignore_index=255),
                               expected)


def test_pixel_weight_and_reduction_none(logits_labels):
    logits, labels = logits_labels
    weight = torch.rand(2, 6, 7)
    loss = build_loss(dict(type='CrossEntropyLoss'))
    per_pixel = loss(logits, labels, weight=weight, ignore_index=255,
                     reduction_override='none')
    assert per_pixel.shape == labels.shape
    expected = F.cross_entropy(logits, labels, ignore_index=255,
                               reduction='none') * weight
    torch.testing.assert_close(per_pixel, expected)


def test_sigmoid_ce_one_hot_and_ignore(logits_labels):
    logits, labels = logits_labels
    loss = build_loss(dict(type='CrossEntropyLoss', use_sigmoid=True,
                           avg_non_ignore=True))
    valid = labels != 255
    onehot = F.one_hot(labels.clamp(max=4), 5).permute(0, 3, 1, 2).float()
    per = F.binary_cross_entropy_with_logits(logits, onehot,
                                             reduction='none')
    expected = (per * valid[:, None]).sum() / (valid.sum() * 5)
    torch.testing.assert_close(loss(logits, labels, ignore_index=255),
                               expected)


def test_sigmoid_ce_single_channel_binary():
    logits = torch.randn(2, 1, 4, 4)
    labels = torch.randint(0, 2, (2, 4, 4))
    loss = build_loss(dict(type='CrossEntropyLoss', use_sigmoid=True))
    expected = F.binary_cross_entropy_with_logits(logits[:, 0],
                                                  labels.float())
    torch.testing.assert_close(loss(logits, labels), expected)


def test_mask_ce_selects_the_labelled_channel():
    pred = torch.randn(3, 4, 5, 5)
    target = torch.rand(3, 5, 5).round()
    label = torch.tensor([0, 2, 3])
    loss = build_loss(dict(type='CrossEntropyLoss', use_mask=True))
    expected = F.binary_cross_entropy_with_logits(pred[[0, 1, 2], label],
                                                  target)
    torch.testing.assert_close(loss(pred, target, label, ignore_index=None),
                               expected[None])


def test_custom_loss_name():
    loss = build_loss(dict(type='CrossEntropyLoss', loss_name='loss_aux'))
    assert loss.loss_name == 'loss_aux'


def test_accuracy_topk_thresh_and_ignore():
    pred = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4],
                         [0.6, 0.3, 0.1]])
    target = torch.tensor([1, 1, 2, 255])
    top1, top2 = accuracy(pred, target, topk=(1, 2), ignore_index=255)
    torch.testing.assert_close(top1, torch.tensor([200 / 3]))
    torch.testing.assert_close(top2, torch.tensor([100.0]))
    strict = accuracy(pred, target, thresh=0.6, ignore_index=255)
    torch.testing.assert_close(strict, torch.tensor([100 / 3]))
    assert accuracy(pred[:0], target[:0]).item() == 0


class _Head(torch.nn.Module):
    ignore_index = 255

    def __init__(self):
        super().__init__()
        self.loss_decode = build_loss(dict(type='CrossEntropyLoss'))

    def pixel_losses(self):
        return [self.loss_decode]


def test_ohem_with_threshold_keeps_low_confidence_pixels():
    sampler = build_pixel_sampler(
        dict(type='OHEMPixelSampler', thresh=0.7, min_kept=2),
        context=_Head())
    logits = torch.zeros(1, 2, 1, 4)
    logits[0, 0, 0] = torch.tensor([5., 0.2, 0.1, 0.])
    labels = torch.tensor([[[[0, 0, 0, 255]]]])
    weight = sampler.sample(logits, labels)
    # p(gt) = [0.99, 0.55, 0.52]: the 2nd/3rd are below 0.7; ignore is 0
    assert weight.tolist() == [[[0., 1., 1., 0.]]]


def test_ohem_min_kept_raises_the_threshold():
    sampler = build_pixel_sampler(
        dict(type='OHEMPixelSampler', thresh=0.1, min_kept=2),
        context=_Head())
    logits = torch.zeros(1, 2, 1, 4)
    logits[0, 0, 0] = torch.tensor([5., 3., 1., 0.5])
    labels = torch.zeros(1, 1, 1, 4, dtype=torch.long)
    weight = sampler.sample(logits, labels)
    # no pixel is below 0.1, so the threshold becomes the 3rd smallest
    # probability: the two least confident pixels are kept
    assert weight.tolist() == [[[0., 0., 1., 1.]]]


def test_ohem_without_threshold_keeps_highest_loss():
    sampler = build_pixel_sampler(dict(type='OHEMPixelSampler', min_kept=2),
                                  context=_Head())
    logits = torch.zeros(1, 2, 1, 4)
    logits[0, 0, 0] = torch.tensor([5., -3., 1., -1.])
    labels = torch.zeros(1, 1, 1, 4, dtype=torch.long)
    assert sampler.sample(logits, labels).tolist() == [[[0., 1., 0., 1.]]]


@pytest.mark.parametrize('min_kept', [2, 50, 10_000])
def test_ohem_threshold_by_selection_equals_the_sorted_rule(min_kept):
    # the rule written out with a full sort: keep valid pixels whose
    # ground-truth probability is below max(thresh, sorted[k])
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 5, 12, 16, generator=g) * 3
    labels = torch.randint(0, 5, (2, 1, 12, 16), generator=g)
    labels[0, 0, :3] = 255
    sampler = build_pixel_sampler(
        dict(type='OHEMPixelSampler', thresh=0.3, min_kept=min_kept),
        context=_Head())
    valid = labels[:, 0] != 255
    prob = logits.softmax(1).gather(1, labels.clamp(max=4))[:, 0]
    ordered = prob[valid].sort().values
    k = min(min_kept * 2, ordered.numel() - 1)
    expected = (valid & (prob < max(ordered[k].item(), 0.3))).float()
    weight = sampler.sample(logits, labels)
    assert weight.dtype == logits.dtype
    assert torch.equal(weight, expected)
    assert 0 < weight.sum() < valid.sum() or min_kept == 10_000


def test_class_weight_tensor_is_built_once_per_dtype():
    loss_fn = build_loss(dict(type='CrossEntropyLoss',
                              class_weight=[1.0, 2.0, 0.5]))
    scores = torch.randn(2, 3, 4, 4)
    labels = torch.randint(0, 3, (2, 4, 4))
    first = loss_fn._class_weight_tensor(scores)
    assert loss_fn._class_weight_tensor(scores) is first
    assert first.tolist() == [1.0, 2.0, 0.5]
    assert loss_fn._class_weight_tensor(scores.double()).dtype == \
        torch.float64
    # 0.28's mean: over all pixels, not normalised by the class weights
    expected = F.cross_entropy(scores, labels, reduction='none',
                               weight=torch.tensor([1.0, 2.0, 0.5])).mean()
    assert torch.equal(loss_fn(scores, labels), expected)
