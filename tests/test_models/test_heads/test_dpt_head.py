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
    cfg = dict(type='DPTHead', in_channels=(8, 8, 8, 8), channels=6,
               embed_dims=8, post_process_channels=[2, 4, 4, 8],
               num_classes=3, readout_type='project',
               input_transform='multiple_select', in_index=(0, 1, 2, 3),
               patch_size=8, norm_cfg=NORM)
    cfg.update(kwargs)
    return cfg


def vit_outputs(n=2, h=4, w=4, requires_grad=False):
    return [[torch.rand(n, 8, h, w, requires_grad=requires_grad),
             torch.rand(n, 8, requires_grad=requires_grad)]
            for _ in range(4)]


@pytest.mark.parametrize('readout', ['ignore', 'add', 'project'])
def test_pyramid_and_logits(readout):
    head = build_head(head_cfg(readout_type=readout))
    pyramid = head.reassemble_blocks(vit_outputs())
    assert [tuple(p.shape[1:]) for p in pyramid] == [
        (2, 16, 16), (4, 8, 8), (4, 4, 4), (8, 2, 2)]
    # 2x2 is fused up to 4, 8, 16, then 32: stride 2 of a patch-8 ViT
    assert head(vit_outputs()).shape == (2, 3, 32, 32)
    keys = set(head.state_dict())
    assert 'fusion_blocks.0.res_conv_unit1.conv1.conv.weight' not in keys
    assert {'fusion_blocks.1.res_conv_unit1.conv1.bn.weight',
            'project.bn.weight', 'convs.3.conv.weight'} <= keys
    assert ('reassemble_blocks.readout_projects.3.0.weight' in keys) == \
        (readout == 'project')


def test_class_token_is_used():
    head = build_head(head_cfg(readout_type='add')).eval()
    inputs = vit_outputs()
    other = [[x, t + 1] for x, t in inputs]
    assert not torch.allclose(head(inputs), head(other))
    ignoring = build_head(head_cfg(readout_type='ignore')).eval()
    torch.testing.assert_close(ignoring(inputs), ignoring(other))


def test_errors():
    with pytest.raises(ValueError, match='readout_type must be one of'):
        build_head(head_cfg(readout_type='mean'))
    with pytest.raises(ValueError, match='expand_channels=True'):
        build_head(head_cfg(expand_channels=True))
    head = build_head(head_cfg())
    with pytest.raises(ValueError, match='output_cls_token=True'):
        head([torch.rand(2, 8, 4, 4) for _ in range(4)])


def test_cac_train_step_reaches_the_projection():
    head = build_head(head_cfg(cac=dict(proj_channel=8, weight=1.5),
                                 loss_decode=CAC_LOSSES))
    assert head.proj[0].conv.in_channels == 32  # the 4 ViT maps
    inputs = vit_outputs(h=8, w=8, requires_grad=True)
    label = (torch.arange(64) * 3 // 64).expand(2, 1, 64, 64).clone()
    losses = head.forward_train(inputs, metas(2, 64, 64), label, dict())
    assert losses['loss_cac'] > 0
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert head.proj[0].conv.weight.grad.abs().sum() > 0
    assert head.weight_branch.project.conv.weight.grad.abs().sum() > 0
    # the confidence branch sees detached inputs: its loss alone leaves
    # the backbone outputs untouched
    for pair in inputs:
        for t in pair:
            t.grad = None
    head.confidence_logits(inputs).sum().backward()
    assert all(t.grad is None for pair in inputs for t in pair)
