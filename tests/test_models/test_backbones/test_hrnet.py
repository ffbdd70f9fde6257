import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.models import build_backbone
from tests.helpers import tiny_hrnet


def test_outputs_four_resolutions():
    model = build_backbone(tiny_hrnet())
    outs = model(torch.randn(1, 3, 64, 64))
    assert [tuple(o.shape) for o in outs] == [(1, 8, 16, 16), (1, 16, 8, 8),
                                              (1, 32, 4, 4), (1, 64, 2, 2)]


def test_multiscale_output_false_keeps_highest_resolution_only():
    model = build_backbone(tiny_hrnet(multiscale_output=False))
    outs = model(torch.randn(1, 3, 64, 64))
    assert len(outs) == 1 and outs[0].shape == (1, 8, 16, 16)
    assert len(model.stage4[-1].fuse_layers) == 1


def test_keys_follow_mmseg_028_names():
    keys = set(build_backbone(tiny_hrnet()).state_dict())
    for key in ('conv1.weight', 'bn1.running_var', 'layer1.0.conv3.weight',
                'layer1.0.downsample.1.weight', 'transition1.1.0.0.weight',
                'stage2.0.branches.1.0.bn2.weight',
                'stage4.0.fuse_layers.3.0.2.1.weight',
                'stage4.0.fuse_layers.0.3.0.weight'):
        assert key in keys, key


def test_frozen_stages_stop_gradients_and_statistics():
    model = build_backbone(tiny_hrnet(frozen_stages=2))
    model.train()
    frozen = [model.conv1, model.layer1, model.transition1, model.stage2,
              model.transition2]
    for module in frozen:
        assert not any(p.requires_grad for p in module.parameters())
        assert not module.training
    assert all(p.requires_grad for p in model.stage3.parameters())
    assert model.stage3.training


def test_norm_eval_keeps_bn_in_eval_mode():
    model = build_backbone(tiny_hrnet(norm_eval=True))
    model.train()
    assert all(not m.training for m in model.modules()
               if isinstance(m, _BatchNorm))


def test_with_cp_gives_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = build_backbone(tiny_hrnet())
    ckpt = build_backbone(tiny_hrnet(with_cp=True))
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 32, 32)
    outs = []
    for model in (plain, ckpt):
        model.train()
        out = model(x.clone().requires_grad_())
        sum(o.sum() for o in out).backward()
        outs.append((out, model.conv1.weight.grad.clone()))
    for a, b in zip(outs[0][0], outs[1][0]):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(outs[0][1], outs[1][1])


@pytest.mark.parametrize('zero_init', [True, False])
def test_zero_init_residual(zero_init):
    model = build_backbone(tiny_hrnet(zero_init_residual=zero_init))
    model.init_weights()
    last_norms = [model.layer1[0].norm3, model.stage2[0].branches[0][0].norm2]
    for norm in last_norms:
        assert torch.all(norm.weight == 0) == zero_init


def test_branch_count_mismatch_is_reported():
    cfg = tiny_hrnet()
    cfg['extra']['stage2']['num_blocks'] = (1, )
    with pytest.raises(AssertionError, match='stage2'):
        build_backbone(cfg)
