import pytest
import torch

from mmseg.models.builder import build_head
from tests.helpers import NORM, metas

CAC_LOSSES = [
    dict(type='CrossEntropyLoss', loss_weight=1.0),
    dict(type='CACLoss', loss_weight=0.4, temperature=0.1, threshold=2,
         max_sample=32)
]


def head_cfg(**kwargs) -> dict:
    cfg = dict(type='SETRUPHead', in_channels=8, channels=6, in_index=1,
               num_classes=3, dropout_ratio=0, norm_cfg=NORM, num_convs=2,
               up_scale=2, kernel_size=3)
    cfg.update(kwargs)
    return cfg


def stripes(n: int, h: int, w: int, classes: int = 3) -> torch.Tensor:
    """(n, 1, h, w) labels: ``classes`` vertical bands."""
    return (torch.arange(w) * classes // w).expand(n, 1, h, w).clone()


def test_normalises_then_upsamples():
    head = build_head(head_cfg())
    inputs = [torch.rand(2, 8, 4, 4), torch.rand(2, 8, 4, 4)]
    assert head(inputs).shape == (2, 3, 16, 16)
    assert head.projection_input(inputs).shape == (2, 8, 4, 4)
    # the channel norm of each pixel: zero mean with unit LayerNorms
    torch.testing.assert_close(head.projection_input(inputs).mean(1),
                               torch.zeros(2, 4, 4), atol=1e-5, rtol=0)
    assert {'norm.weight', 'up_convs.1.0.conv.weight',
            'up_convs.1.0.bn.weight'} <= set(head.state_dict())


def test_028_init_cfg():
    head = build_head(head_cfg())
    torch.nn.init.normal_(head.norm.weight)
    head.init_weights()
    assert torch.all(head.norm.weight == 1)
    assert 0 < head.conv_seg.weight.std() < 0.05


def test_errors():
    with pytest.raises(ValueError, match='kernel_size must be 1 or 3'):
        build_head(head_cfg(kernel_size=5))
    with pytest.raises(ValueError, match='in_channels must be an int'):
        build_head(head_cfg(in_channels=[8, 8], in_index=[0, 1],
                              input_transform='multiple_select'))


def test_cac_train_step_reaches_the_projection():
    head = build_head(head_cfg(cac=dict(proj_channel=8, weight=1.5),
                                 loss_decode=CAC_LOSSES))
    head.train()
    inputs = [torch.rand(2, 8, 8, 8), torch.rand(2, 8, 8, 8)]
    losses = head.forward_train(inputs, metas(2, 32, 32),
                                stripes(2, 32, 32), dict())
    assert {'loss_ce', 'loss_ce_weight', 'loss_cac'} <= set(losses)
    assert losses['loss_cac'] > 0
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert head.proj[0].conv.weight.grad.abs().sum() > 0
    assert head.weight_branch.conv_seg.weight.grad.abs().sum() > 0
