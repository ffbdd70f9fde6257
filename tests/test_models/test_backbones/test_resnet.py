import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from mmseg.models import build_backbone


def tiny(type_='ResNetV1c', depth=50, **kwargs):
    return build_backbone(dict(type=type_, depth=depth, stem_channels=8,
                               base_channels=4, **kwargs))


def test_stems_and_shortcuts_follow_mmseg_028_keys():
    keys = set(tiny('ResNet').state_dict())
    assert {'conv1.weight', 'bn1.weight', 'layer1.0.conv3.weight',
            'layer1.0.downsample.0.weight',
            'layer1.0.downsample.1.weight'} <= keys
    assert not any(k.startswith('stem.') for k in keys)
    keys = set(tiny('ResNetV1c').state_dict())
    assert {'stem.0.weight', 'stem.1.weight', 'stem.3.weight',
            'stem.6.weight', 'stem.7.running_var'} <= keys
    assert 'conv1.weight' not in keys
    # V1d: the average pool comes first in the shortcut
    keys = set(tiny('ResNetV1d').state_dict())
    assert {'layer2.0.downsample.1.weight',
            'layer2.0.downsample.2.weight'} <= keys
    assert 'layer2.0.downsample.0.weight' not in keys


@pytest.mark.parametrize('depth, blocks, last_channels', [
    (18, (2, 2, 2, 2), 32), (34, (3, 4, 6, 3), 32),
    (101, (3, 4, 23, 3), 128), (152, (3, 8, 36, 3), 128)])
def test_depths_set_blocks_and_widths(depth, blocks, last_channels):
    model = tiny(depth=depth)
    assert tuple(len(getattr(model, f'layer{i}')) for i in range(1, 5)) \
        == blocks
    assert model.feat_dim == last_channels


def test_dilated_output_stride_8_and_contract_dilation():
    model = tiny(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                 contract_dilation=True)
    outs = model(torch.rand(1, 3, 64, 64))
    assert [o.shape[-1] for o in outs] == [16, 8, 8, 8]
    assert [o.shape[1] for o in outs] == [16, 32, 64, 128]
    assert model.layer3[0].conv2.dilation == (1, 1)
    assert model.layer3[1].conv2.dilation == (2, 2)
    assert model.layer4[0].conv2.dilation == (2, 2)
    assert model.layer4[2].conv2.dilation == (4, 4)


def test_multi_grid_sets_last_stage_dilations():
    model = tiny(strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2),
                 multi_grid=(1, 2, 4))
    assert [b.conv2.dilation[0] for b in model.layer4] == [1, 2, 4]
    assert [b.conv2.dilation[0] for b in model.layer3] == [1] * 6
    with pytest.raises(AssertionError, match='multi_grid'):
        tiny(multi_grid=(1, 2))


def test_out_indices_and_style():
    model = tiny(depth=18, out_indices=(1, 3), style='caffe')
    outs = model(torch.rand(1, 3, 64, 64))
    assert [o.shape[-1] for o in outs] == [8, 2]
    assert model.layer2[0].conv1.stride == (2, 2)
    assert tiny(depth=18).layer2[0].conv1.stride == (2, 2)  # basic block
    assert tiny().layer2[0].conv1.stride == (1, 1)
    assert tiny().layer2[0].conv2.stride == (2, 2)


def test_frozen_stages_and_norm_eval():
    model = tiny(frozen_stages=1, norm_eval=True)
    model.train()
    frozen = list(model.stem.parameters()) + list(model.layer1.parameters())
    assert not any(p.requires_grad for p in frozen)
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert all(not m.training for m in model.modules()
               if isinstance(m, _BatchNorm))


def test_with_cp_gives_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = tiny(depth=18)
    checkpointed = tiny(depth=18, with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.rand(2, 3, 32, 32)
    for model in (plain, checkpointed):
        model(x.clone().requires_grad_())[-1].sum().backward()
    torch.testing.assert_close(checkpointed(x)[-1], plain(x)[-1])
    torch.testing.assert_close(checkpointed.stem[0].weight.grad,
                               plain.stem[0].weight.grad)


def test_default_init_zeroes_the_last_norm_of_each_block():
    model = tiny()
    model.init_weights()
    assert torch.all(model.layer1[0].bn3.weight == 0)
    assert torch.all(model.layer1[0].bn1.weight == 1)


def test_invalid_depth_is_reported():
    with pytest.raises(KeyError, match='invalid depth 42'):
        tiny(depth=42)
