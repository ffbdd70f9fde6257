"""Checks shared by the context-head tests: 0.28 parity from the fixtures
in ``tests/data/reference_028`` and a CAC training step.

A fixture holds a tiny head's 0.28 ``config``, a perturbed ``state_dict``,
the ``inputs`` (two levels of features) and labels ``gt``, and what 0.28
computed: ``eval_logits`` (eval mode), ``train_losses`` (train mode, dropout
off) and ``state_after_train`` (the buffers after that step).
"""
import copy
from typing import Dict

import torch
import torch.nn as nn

from mmseg.models import build_head
from tests.conftest import REPO_ROOT

REFERENCE = REPO_ROOT / 'tests' / 'data' / 'reference_028'
CAC = dict(proj_channel=8, weight=1.5)
CAC_LOSSES = [dict(type='CrossEntropyLoss', loss_weight=1.0),
              dict(type='CACLoss', loss_weight=0.5, max_sample=64,
                   threshold=4)]


def load_case(family: str) -> dict:
    """The fixture of ``family`` (a trusted file of this repository)."""
    return torch.load(REFERENCE / f'{family}.pt', weights_only=False)


def dropout_off(module: nn.Module) -> None:
    for m in module.modules():
        if isinstance(m, nn.Dropout2d):
            m.eval()


def assert_head_matches_028(family: str) -> nn.Module:
    """Our head loads the 0.28 state dict strictly and computes 0.28's
    logits, losses and updated buffers; returns the trained head."""
    case = load_case(family)
    head = build_head(copy.deepcopy(case['config']))
    head.load_state_dict(case['state_dict'], strict=True)
    head.eval()
    with torch.no_grad():
        logits = head.forward_test(case['inputs'], None, None)
    torch.testing.assert_close(logits, case['eval_logits'], rtol=1e-5,
                               atol=1e-5)
    head.train()
    dropout_off(head)
    losses = head.forward_train(case['inputs'], None, case['gt'], None)
    assert set(losses) == set(case['train_losses'])
    for name, value in case['train_losses'].items():
        torch.testing.assert_close(losses[name].detach(), value, rtol=1e-5,
                                   atol=1e-5, msg=name)
    state = head.state_dict()
    for name, value in case['state_after_train'].items():
        torch.testing.assert_close(state[name], value, rtol=1e-5, atol=1e-5,
                                   msg=name)
    return head


def cac_head(family: str) -> nn.Module:
    """The fixture's head with CAC switched on, in train mode."""
    cfg = dict(load_case(family)['config'], cac=CAC, loss_decode=CAC_LOSSES)
    torch.manual_seed(0)
    head = build_head(cfg)
    head.train()
    return head


def _grads(loss: torch.Tensor, params) -> list:
    return torch.autograd.grad(loss, params, retain_graph=True,
                               allow_unused=True)


def reaches(loss: torch.Tensor, module: nn.Module) -> bool:
    params = [p for p in module.parameters() if p.requires_grad]
    return any(g is not None and g.abs().sum() > 0
               for g in _grads(loss, params))


def untouched(loss: torch.Tensor, module: nn.Module) -> bool:
    params = [p for p in module.parameters() if p.requires_grad]
    return all(g is None or not g.any() for g in _grads(loss, params))


def cac_train_step(family: str, prefix: str = '') -> Dict[str, torch.Tensor]:
    """One CAC step: a finite CAC loss whose gradients reach ``proj``
    (``<prefix>loss_cac``), a segmentation loss that leaves the confidence
    branch alone and a confidence loss that trains only that branch."""
    case = load_case(family)
    head = cac_head(family)
    inputs = [x.clone().requires_grad_() for x in case['inputs']]
    losses = head.forward_train(inputs, None, case['gt'], None)
    loss_cac = losses[prefix + 'loss_cac']
    assert torch.isfinite(loss_cac) and loss_cac > 0
    assert reaches(loss_cac, head.proj[0]) and reaches(loss_cac, head.proj[1])
    assert untouched(loss_cac, head.conv_seg)
    loss_ce, loss_ce_weight = (losses[prefix + k]
                               for k in ('loss_ce', 'loss_ce_weight'))
    assert torch.isfinite(loss_ce) and torch.isfinite(loss_ce_weight)
    assert untouched(loss_ce, head.weight_branch)
    assert reaches(loss_ce_weight, head.weight_branch)
    assert untouched(loss_ce_weight, head.conv_seg)
    # the confidence branch sees detached inputs
    assert all(g is None for g in torch.autograd.grad(
        loss_ce_weight, inputs, retain_graph=True, allow_unused=True))
    return losses
