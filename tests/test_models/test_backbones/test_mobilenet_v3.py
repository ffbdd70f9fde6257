"""MobileNetV3: 0.28 parity, dilation, errors."""
import pytest
import torch
from mmcv.cnn.bricks import Conv2dAdaptivePadding

from mmseg.models.backbones import MobileNetV3
from tests.reference_028 import check_case


@pytest.mark.parametrize('arch', ['small', 'large'])
def test_matches_028(arch):
    check_case(f'mobilenet_v3_{arch}')


@pytest.mark.parametrize('arch, outs', [
    ('small', [(16, 16), (16, 8), (576, 4)]),
    ('large', [(16, 16), (24, 8), (960, 4)]),
])
def test_output_stride_8(arch, outs):
    indices = (0, 1, 12) if arch == 'small' else (1, 3, 16)
    with torch.device('meta'):
        net = MobileNetV3(arch=arch, out_indices=indices)
        shapes = [o.shape for o in net(torch.empty(1, 3, 32, 32))]
    assert [(s[1], s[2]) for s in shapes] == outs
    last = getattr(net, f'layer{len(net.layers) - 2}').depthwise_conv.conv
    assert last.stride == (1, 1) and last.dilation == (4, 4)
    assert last.padding == (8, 8)  # 5x5 kernel dilated by 4


def test_reduction_factor_and_stem():
    net = MobileNetV3(arch='small', reduction_factor=4)
    assert net.layer9.linear_conv.conv.out_channels == 24  # 96 / 4
    assert net.layer8.linear_conv.conv.out_channels == 48  # not reduced
    assert isinstance(net.layer0.conv, Conv2dAdaptivePadding)


def test_frozen_stages():
    net = MobileNetV3(frozen_stages=1).train()
    assert not any(p.requires_grad for p in net.layer1.parameters())
    assert not net.layer0.training and net.layer2.training


def test_errors():
    with pytest.raises(ValueError, match="arch must be 'small' or 'large'"):
        MobileNetV3(arch='tiny')
    with pytest.raises(ValueError, match='out_indices must be in'):
        MobileNetV3(out_indices=(13, ))
    with pytest.raises(ValueError, match='reduction_factor must be'):
        MobileNetV3(reduction_factor=0)
    with pytest.raises(ValueError, match='frozen_stages must be in'):
        MobileNetV3(frozen_stages=13)
