"""The cross-image anchor memory of CACLoss (docs/cac_memory.md)."""
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

from mmseg.engine.hooks import CACMemoryStateHook
from mmseg.models import build_loss
from mmseg.models.losses.cac_memory import CACMemory
from tests.conftest import load_golden
from tests.helpers import random_case
from tests.runs import free_port


def entries_of(memory, cls):
    """Marker values (first feature component) of a class's slots."""
    return memory.feature[cls, :, 0].tolist()


def enqueue_markers(memory, markers, cls, num_classes=3):
    n = len(markers)
    feature = torch.zeros(n, 2)
    feature[:, 0] = torch.tensor(markers, dtype=torch.float)
    prob = torch.full((n, num_classes), 1 / num_classes)
    memory.enqueue(feature, torch.full((n, ), cls), prob)


def test_fifo_replaces_the_oldest_and_the_pointer_wraps():
    memory = CACMemory(3)
    enqueue_markers(memory, [1, 2], cls=0)
    assert entries_of(memory, 0) == [1, 2, 0]
    assert memory.count.tolist() == [2, 0, 0]
    assert memory.pointer.tolist() == [2, 0, 0]
    enqueue_markers(memory, [3, 4], cls=0)  # 1, the oldest, goes
    assert entries_of(memory, 0) == [4, 2, 3]
    assert memory.count.tolist() == [3, 0, 0]
    assert memory.pointer.tolist() == [1, 0, 0]
    # more than the size in one step: only the newest three stay
    enqueue_markers(memory, [5, 6, 7, 8, 9], cls=0)
    assert entries_of(memory, 0) == [7, 8, 9]
    assert memory.pointer.tolist() == [0, 0, 0]
    # other classes are independent
    enqueue_markers(memory, [10], cls=2)
    assert entries_of(memory, 0) == [7, 8, 9]
    assert entries_of(memory, 2) == [10, 0, 0]
    feature, label, _ = memory.entries(torch.device('cpu'))
    assert feature[:, 0].tolist() == [7, 8, 9, 10]
    assert label.tolist() == [0, 0, 0, 2]


def test_mixed_classes_in_one_step_keep_their_order():
    memory = CACMemory(2)
    feature = torch.arange(5.)[:, None].repeat(1, 4)
    label = torch.tensor([1, 0, 1, 1, 0])
    prob = F.softmax(torch.randn(5, 2), dim=1)
    memory.enqueue(feature, label, prob)
    assert entries_of(memory, 0) == [1, 4]
    assert entries_of(memory, 1) == [3, 2]  # 0 replaced by 3, the newest
    assert torch.equal(memory.prob[1, 1], prob[2])
    assert memory.count.tolist() == [2, 2]


def test_non_finite_anchors_stay_out():
    memory = CACMemory(4)
    feature = torch.tensor([[1., 0.], [float('nan'), 0.], [3., 0.]])
    prob = torch.full((3, 2), 0.5)
    prob[2, 0] = float('inf')
    memory.enqueue(feature, torch.zeros(3, dtype=torch.long), prob)
    assert entries_of(memory, 0) == [1, 0, 0, 0]
    assert memory.count.tolist() == [1, 0]


def test_state_round_trip_and_a_wrong_size_is_refused():
    memory = CACMemory(4)
    assert memory.state() == {} and memory.entries('cpu') is None
    enqueue_markers(memory, [1, 2, 3], cls=1)
    restored = CACMemory(4)
    restored.load_state(memory.state())
    for key, value in memory.state().items():
        assert torch.equal(getattr(restored, key), value), key
    with pytest.raises(ValueError, match='memory_size it was trained with'):
        CACMemory(5).load_state(memory.state())


def model_with_memory(size=4):
    return nn.ModuleDict(dict(head=nn.ModuleList([
        build_loss(dict(type='CACLoss')),
        build_loss(dict(type='CACLoss', memory_size=size))])))


def test_state_hook_saves_and_restores_only_on_resume():
    hook, model = CACMemoryStateHook(), model_with_memory()
    enqueue_markers(model.head[1].memory, [1, 2], cls=0)
    runner = SimpleNamespace(model=model, _resuming=False,
                             logger=MagicMock())
    checkpoint = {}
    hook.before_save_checkpoint(runner, checkpoint)
    assert list(checkpoint['cac_memory']) == ['head.1']
    runner.model = fresh = model_with_memory()
    hook.after_load_checkpoint(runner, checkpoint)  # --load-from
    assert fresh.head[1].memory.entries('cpu') is None
    runner._resuming = True
    hook.after_load_checkpoint(runner, checkpoint)
    assert entries_of(fresh.head[1].memory, 0) == [1, 2, 0, 0]
    # a checkpoint trained without memory: empty, with a warning
    hook.after_load_checkpoint(runner, {})
    assert fresh.head[1].memory.entries('cpu') is None
    assert 'starts empty' in runner.logger.warning.call_args[0][0]
    # a model without memory writes nothing
    runner.model, checkpoint = nn.ModuleList([build_loss(dict(
        type='CACLoss'))]), {}
    hook.before_save_checkpoint(runner, checkpoint)
    assert checkpoint == {}


def in_batch_reference(loss_fn, feature, label, weight_prob):
    """Today's in-batch loss, written out as one expression."""
    n = label.numel()
    off_diag = ~torch.eye(n, dtype=torch.bool)
    confidence = 1 - weight_prob[:, label]
    confidence = (confidence + confidence.T) / 2 * off_diag
    positive = (label[:, None] == label[None, :]) & off_diag
    logits = feature @ feature.T / loss_fn.temperature
    logits = logits - logits.max(dim=1, keepdim=True).values.detach()
    log_prob = logits - torch.log(
        (torch.exp(logits) * confidence).sum(1, keepdim=True) + 1e-16)
    mean_log_prob_pos = (confidence * positive * log_prob).sum(1) / (
        positive.sum(1) + 1e-16)
    per_anchor = -(loss_fn.temperature / loss_fn.base_temperature) * \
        mean_log_prob_pos
    num_ids = int(label.max()) + 1
    class_sum = per_anchor.new_zeros(num_ids).index_add_(0, label,
                                                         per_anchor)
    return (class_sum /
            torch.bincount(label, minlength=num_ids).clamp(min=1)).mean()


@pytest.mark.parametrize('name', ['cac_loss_default', 'cac_loss_few_classes',
                                  'cac_loss_max_sample'])
def test_memory_off_is_todays_loss_bit_for_bit(name):
    case = load_golden(name)
    loss_fn = build_loss(dict(type='CACLoss', memory_size=0,
                              **case['kwargs']))
    assert loss_fn.memory is None
    torch.manual_seed(0)
    loss = loss_fn(predict=case['predict'], feature_map=case['feature_map'],
                   label=case['label'], weight_logit=case['weight_logit'])
    torch.testing.assert_close(loss, case['loss'], atol=1e-5, rtol=0)

    feature = F.normalize(torch.randn(40, 8), dim=1)
    label = torch.randint(0, 5, (40, ))
    weight_prob = F.softmax(torch.randn(40, 5), dim=1)
    assert torch.equal(loss_fn._contrastive(feature, label, weight_prob),
                       in_batch_reference(loss_fn, feature, label,
                                          weight_prob))


def loop_reference(loss_fn, f, y, pw, mf, my, mp):
    """Each anchor against the other anchors and every memory entry."""
    keys_f, keys_y = torch.cat([f, mf]), torch.cat([y, my])
    keys_p = torch.cat([pw, mp])
    n, num_keys = len(y), len(keys_y)
    loss_sum = torch.zeros(int(y.max()) + 1)
    count = torch.zeros(int(y.max()) + 1)
    for a in range(n):
        others = [k for k in range(num_keys) if k != a]
        conf = torch.stack([1 - (pw[a, keys_y[k]] + keys_p[k, y[a]]) / 2
                            for k in others])
        sim = torch.stack([f[a] @ keys_f[k] for k in range(num_keys)])
        sim = sim / loss_fn.temperature
        sim = sim - sim.max().detach()
        sim_o = sim[others]
        log_denominator = torch.log((sim_o.exp() * conf).sum() + 1e-16)
        pos = torch.tensor([bool(keys_y[k] == y[a]) for k in others])
        term = (conf * pos * (sim_o - log_denominator)).sum() / pos.sum()
        loss_sum[y[a]] = loss_sum[y[a]] - term * (
            loss_fn.temperature / loss_fn.base_temperature)
        count[y[a]] += 1
    return (loss_sum / count.clamp(min=1)).mean() * loss_fn.loss_weight


def anchors_of(loss_fn, predict, feature_map, label, weight_logit):
    """Normalised embeddings, labels and probabilities of the anchors."""
    b, d, h, w = feature_map.shape
    img, pix, y = loss_fn._select_anchors(predict, label, (h, w), 255)
    f = F.normalize(feature_map.reshape(b, d, -1)[img, :, pix], dim=1)
    pw = F.softmax(weight_logit.reshape(b, -1, h * w)[img, :, pix], dim=1)
    return f, y, pw


def test_loss_with_memory_equals_the_loop_reference():
    loss_fn = build_loss(dict(type='CACLoss', loss_weight=0.4, threshold=4,
                              max_sample=24, memory_size=5,
                              hard_sort_hardmining=True,
                              easy_sort_hardmining=True))
    plain = build_loss(dict(type='CACLoss', loss_weight=0.4, threshold=4,
                            max_sample=24, hard_sort_hardmining=True,
                            easy_sort_hardmining=True))
    first = random_case(1, 4, 6, 6, 1, 3, seed=1)
    second = random_case(2, 4, 6, 6, 1, 4, seed=2)

    # the first step sees an empty memory, then fills it
    assert torch.equal(loss_fn(*first), plain(*first))
    f1, y1, pw1 = anchors_of(loss_fn, *first)
    for cls in range(4):
        expected = f1[y1 == cls][-5:]
        assert int(loss_fn.memory.count[cls]) == len(expected)
        stored = loss_fn.memory.feature[cls, :len(expected)]
        # a full class holds the newest five (in slot order)
        assert sorted(map(tuple, stored.tolist())) == \
            sorted(map(tuple, expected.tolist()))
    mf, my, mp = loss_fn.memory.entries(torch.device('cpu'))
    assert my.numel() > 0

    predict, feature_map, label, weight_logit = second
    fm = feature_map.clone().requires_grad_()
    wl = weight_logit.clone().requires_grad_()
    got = loss_fn(predict, fm, label, wl)
    got.backward()
    fm_ref = feature_map.clone().requires_grad_()
    wl_ref = weight_logit.clone().requires_grad_()
    expected = loop_reference(loss_fn, *anchors_of(loss_fn, predict, fm_ref,
                                                   label, wl_ref),
                              mf, my, mp)
    expected.backward()
    torch.testing.assert_close(got.detach(), expected.detach(), atol=1e-5,
                               rtol=1e-5)
    torch.testing.assert_close(fm.grad, fm_ref.grad, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(wl.grad, wl_ref.grad, atol=1e-5, rtol=1e-5)
    assert not torch.equal(got, plain(*second))  # the memory mattered


def test_eval_mode_reads_but_does_not_fill_the_memory():
    loss_fn = build_loss(dict(type='CACLoss', threshold=4, max_sample=24,
                              memory_size=8))
    loss_fn.eval()
    loss_fn(*random_case(1, 3, 6, 6, 1, 3))
    assert loss_fn.memory.entries('cpu') is None
    loss_fn.train()
    loss_fn(*random_case(1, 3, 6, 6, 1, 3))
    before = loss_fn.memory.state()
    loss_fn.eval()
    loss_fn(*random_case(1, 3, 6, 6, 1, 3, seed=4))
    for key, value in loss_fn.memory.state().items():
        assert torch.equal(value, before[key]), key


def rank_anchors(rank, step):
    """Different numbers of anchors per rank and step (none for one)."""
    g = torch.Generator().manual_seed(100 * step + rank)
    n = 0 if (rank, step) == (1, 1) else 3 + 4 * rank + step
    feature = F.normalize(torch.randn(n, 6, generator=g), dim=1)
    label = torch.randint(0, 4, (n, ), generator=g)
    prob = F.softmax(torch.randn(n, 4, generator=g), dim=1)
    return feature, label, prob


def _rank_worker(rank, world_size, port, out_dir):
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}',
                            rank=rank, world_size=world_size)
    memory = CACMemory(5)
    for step in range(3):
        memory.enqueue(*rank_anchors(rank, step))
    torch.save(memory.state(), f'{out_dir}/rank{rank}.pt')
    dist.destroy_process_group()


def test_two_gloo_ranks_hold_the_same_memory_of_all_anchors(tmp_path):
    mp.spawn(_rank_worker, args=(2, free_port(), str(tmp_path)), nprocs=2)
    states = [torch.load(tmp_path / f'rank{r}.pt', weights_only=True)
              for r in range(2)]
    # one process fed every rank's anchors in rank order
    expected = CACMemory(5)
    for step in range(3):
        parts = [rank_anchors(r, step) for r in range(2)]
        expected.enqueue(*(torch.cat(p) for p in zip(*parts)))
    assert int(expected.count.sum()) > 0
    for state in states:
        for key, value in expected.state().items():
            assert torch.equal(state[key], value), key
