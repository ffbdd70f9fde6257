"""EMAHead: 0.28 parity (bases updated in training included) and CAC."""
import torch

from mmseg.models import build_head
from tests.test_models.test_heads.reference_028 import (
    assert_head_matches_028,
    cac_head,
    cac_train_step,
    load_case,
)


def test_matches_028():
    head = assert_head_matches_028('emanet')
    case = load_case('emanet')
    # the step moved the bases, as 0.28's did
    assert not torch.allclose(head.ema_module.bases,
                              case['state_dict']['ema_module.bases'])


def test_cac_trains():
    cac_train_step('emanet')


def test_confidence_branch_keeps_its_own_bases():
    """With CAC the head's bases move exactly as without it; the branch's
    bases move from the branch's features only."""
    case = load_case('emanet')
    plain = build_head(dict(case['config']))
    plain.load_state_dict(case['state_dict'])
    head = cac_head('emanet')
    head.load_state_dict(case['state_dict'], strict=False)
    branch_before = head.weight_branch.ema_module.bases.clone()
    for model in (plain, head):
        model.train()
        model.forward_train(case['inputs'], None, case['gt'], None)
    torch.testing.assert_close(head.ema_module.bases,
                               plain.ema_module.bases)
    branch_after = head.weight_branch.ema_module.bases
    assert not torch.allclose(branch_after, branch_before)
    assert not torch.allclose(branch_after, head.ema_module.bases)


def test_bases_fixed_at_test_time():
    case = load_case('emanet')
    head = cac_head('emanet')
    head.eval()
    before = [m.bases.clone() for m in (head.ema_module,
                                        head.weight_branch.ema_module)]
    with torch.no_grad():
        head.cac_outputs(case['inputs'])
    for module, bases in zip((head.ema_module,
                              head.weight_branch.ema_module), before):
        torch.testing.assert_close(module.bases, bases)
