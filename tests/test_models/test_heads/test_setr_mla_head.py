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
    cfg = dict(type='SETRMLAHead', in_channels=(4, 4, 4), channels=9,
               in_index=(0, 1, 2), mla_channels=3, num_classes=3,
               dropout_ratio=0, norm_cfg=NORM, up_scale=4)
    cfg.update(kwargs)
    return cfg


def test_one_branch_per_level():
    head = build_head(head_cfg())
    inputs = [torch.rand(2, 4, 4, 4) for _ in range(3)]
    assert head(inputs).shape == (2, 3, 16, 16)
    assert head.input_transform == 'multiple_select'
    assert {'up_convs.2.0.conv.weight', 'up_convs.2.1.bn.bias'} <= set(
        head.state_dict())
    with pytest.raises(ValueError, match=r'len\(in_channels\) \* '):
        build_head(head_cfg(channels=8))


def test_cac_train_step_reaches_the_projection():
    head = build_head(head_cfg(cac=dict(proj_channel=8, weight=1.0),
                                 loss_decode=CAC_LOSSES))
    # the projection reads the levels concatenated
    assert head.proj[0].conv.in_channels == 12
    inputs = [torch.rand(2, 4, 8, 8) for _ in range(3)]
    losses = head.forward_train(inputs, metas(2, 32, 32),
                                (torch.arange(32) * 3 // 32).expand(
                                    2, 1, 32, 32).clone(), dict())
    assert losses['loss_cac'] > 0
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert head.proj[0].conv.weight.grad.abs().sum() > 0
