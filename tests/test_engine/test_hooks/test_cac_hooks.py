"""CAC warm-up hooks set their state from the current iteration alone."""
import logging
from types import SimpleNamespace

import pytest

from mmseg.engine.hooks import (
    LossWeightFinalStopHook,
    LossWeightWarmupHook,
    ProjectHeadDetachWarmupHook,
)
from mmseg.models import build_segmentor
from tests.helpers import tiny_fcn


def cac_model(aux: bool = False):
    head = dict(type='CACFCNHead', proj_channel=8, weight=1.5,
                loss_decode=[dict(type='CrossEntropyLoss'),
                             dict(type='CACLoss', loss_weight=0.4)])
    cfg = tiny_fcn(num_classes=4, **head)
    if aux:
        cfg['auxiliary_head'] = [dict(cfg['decode_head']),
                                 dict(cfg['decode_head'])]
    return build_segmentor(cfg)


def runner_at(model, cur_iter):
    return SimpleNamespace(model=model, iter=cur_iter,
                           logger=logging.getLogger('test'))


def cac_losses(model):
    heads = [model.decode_head, *model.auxiliary_head] \
        if hasattr(model, 'auxiliary_head') else [model.decode_head]
    return [h.loss_decode[1] for h in heads]


def weights_over(hooks, model, iters):
    """The CAC loss weight at each iteration of ``iters``."""
    out = []
    for it in iters:
        for hook in hooks:
            hook.before_train_iter(runner_at(model, it), it)
        weights = {loss.loss_weight for loss in cac_losses(model)}
        assert len(weights) == 1
        out.append(weights.pop())
    return out


def test_warmup_zeroes_the_loss_up_to_start_iter():
    model = cac_model()
    hook = LossWeightWarmupHook(start_iter=3, loss_name='loss_cac')
    assert weights_over([hook], model, range(6)) == [0, 0, 0, 0, .4, .4]


def test_final_stop_zeroes_the_loss_after_start_iter():
    model = cac_model()
    hook = LossWeightFinalStopHook(start_iter=3, loss_name='loss_cac')
    assert weights_over([hook], model, range(6)) == [.4, .4, .4, .4, 0, 0]


@pytest.mark.parametrize('order', [1, -1])
def test_warmup_and_final_stop_compose_in_any_order(order):
    model = cac_model(aux=True)
    hooks = [LossWeightWarmupHook(1, ['loss_cac']),
             LossWeightFinalStopHook(3, 'loss_cac')][::order]
    assert weights_over(hooks, model, range(6)) == [0, 0, .4, .4, 0, 0]


def test_state_after_a_resume_depends_only_on_the_iteration():
    model = cac_model()
    hook = LossWeightWarmupHook(start_iter=100, loss_name='loss_cac')
    # a run resumed at iteration 150: no before_run, no flip event
    assert weights_over([hook], model, [150, 151]) == [.4, .4]
    fresh = LossWeightWarmupHook(start_iter=100, loss_name='loss_cac')
    assert weights_over([fresh], cac_model(), [50]) == [0]


def test_projection_detach_warmup_on_decode_and_auxiliary_heads():
    model = cac_model(aux=True)
    hook = ProjectHeadDetachWarmupHook(start_iter=2)
    heads = [model.decode_head, *model.auxiliary_head]
    for it, expected in [(0, True), (2, True), (3, False), (10, False)]:
        hook.before_train_iter(runner_at(model, it), it)
        assert [h.project_detach for h in heads] == [expected] * 3


def test_misconfigured_loss_names_are_reported():
    model = cac_model()
    with pytest.raises(ValueError, match='no head has a loss named'):
        LossWeightWarmupHook(5, 'loss_typo').before_train(
            runner_at(model, 0))
    with pytest.raises(TypeError, match='cannot be warmed up'):
        LossWeightWarmupHook(5, 'loss_ce').before_train(runner_at(model, 0))


@pytest.mark.parametrize('camel, snake', [
    ('LossWeightWarmupHook', 'loss_weight_warmup_hook'),
    ('LossWeightFinalStopHook', 'loss_weight_final_stop_hook'),
    ('ProjectHeadDetachWarmupHook', 'project_head_detach_warmup_hook'),
])
def test_hooks_answer_to_their_class_and_0_28_names(camel, snake):
    from mmseg.registry import HOOKS
    built = [HOOKS.build(dict(type=name, start_iter=7))
             for name in (camel, snake)]
    assert [type(h).__name__ for h in built] == [camel, camel]
    assert [h.start_iter for h in built] == [7, 7]
