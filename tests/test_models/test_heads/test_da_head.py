"""DAHead: 0.28 parity, its three training outputs, and CAC."""
import torch

from tests.test_models.test_heads.reference_028 import (
    assert_head_matches_028,
    cac_head,
    cac_train_step,
    load_case,
)


def test_matches_028():
    assert_head_matches_028('danet')


def test_three_logits_in_training_the_fused_ones_at_test():
    case = load_case('danet')
    head = cac_head('danet')
    head.eval()
    with torch.no_grad():
        fused, pam, cam = head(case['inputs'])
        test = head.forward_test(case['inputs'], None, None)
    torch.testing.assert_close(test, fused)
    assert not torch.allclose(fused, pam) and not torch.allclose(fused, cam)


def test_cac_on_the_fused_logits_and_plain_losses_on_both_paths():
    losses = cac_train_step('danet', prefix='pam_cam.')
    for path in ('pam', 'cam'):
        assert {f'{path}.{k}' for k in ('loss_ce', 'loss_ce_weight',
                                        'acc_seg', 'acc_seg_weight')} \
            <= set(losses)
        assert not any(k.startswith(f'{path}.loss_cac') for k in losses)


def test_cac_trains_every_parameter():
    """No parameter is left without a gradient (DDP's default needs it),
    not even the confidence branch's path classifiers."""
    case = load_case('danet')
    head = cac_head('danet')
    losses = head.forward_train(case['inputs'], None, case['gt'], None)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    missing = [n for n, p in head.named_parameters()
               if p.requires_grad and p.grad is None]
    assert missing == []


def test_cac_outputs_and_decoder_features_follow_the_fused_path():
    case = load_case('danet')
    head = cac_head('danet')
    head.eval()
    with torch.no_grad():
        outputs = head.cac_outputs(case['inputs'])
        fused = head.forward_test(case['inputs'], None, None)
        feats = head.decoder_features(case['inputs'])
        branch = head.weight_branch(case['inputs'])[0]
    torch.testing.assert_close(outputs.logits, fused)
    torch.testing.assert_close(outputs.confidence_logits, branch)
    torch.testing.assert_close(head.conv_seg(feats), fused)
    assert outputs.projection.shape[1] == head.proj[1].module.conv.out_channels
