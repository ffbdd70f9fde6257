"""MobileNetV2: 0.28 parity, outputs, frozen stages, errors."""
import pytest
import torch

from mmseg.models.backbones import MobileNetV2
from tests.reference_028 import assert_cac_trains, check_case


def test_matches_028():
    check_case('mobilenet_v2')


def test_cac_on_its_heads():
    assert_cac_trains('mobilenet_v2')


def test_dilated_outputs():
    net = MobileNetV2(widen_factor=0.25, strides=(1, 2, 2, 1, 1, 1, 1),
                      dilations=(1, 1, 1, 2, 2, 4, 4)).eval()
    outs = net(torch.rand(1, 3, 32, 32))
    # make_divisible(c / 4, 8) of 24, 32, 96, 320; output stride 8
    assert [o.shape[1:] for o in outs] == [(8, 8, 8), (8, 4, 4),
                                           (24, 4, 4), (80, 4, 4)]
    assert net.layer4[0].conv[1].conv.dilation == (2, 2)
    assert net.layer4[1].conv[1].conv.dilation == (1, 1)
    single = MobileNetV2(widen_factor=0.25, out_indices=(6, )).eval()
    assert single(torch.rand(1, 3, 32, 32)).shape == (1, 80, 1, 1)


def test_frozen_stages_and_norm_eval():
    net = MobileNetV2(widen_factor=0.25, frozen_stages=2, norm_eval=True)
    net.train()
    assert not any(p.requires_grad for p in net.conv1.parameters())
    assert not any(p.requires_grad for p in net.layer2.parameters())
    assert all(p.requires_grad for p in net.layer3.parameters())
    assert not net.layer1.training and net.layer3.training
    assert not net.layer3[0].conv[0].bn.training  # norm_eval


def test_errors():
    with pytest.raises(ValueError, match='out_indices must be in'):
        MobileNetV2(out_indices=(7, ))
    with pytest.raises(ValueError, match='frozen_stages must be in'):
        MobileNetV2(frozen_stages=7)
    with pytest.raises(ValueError, match='need 7 entries'):
        MobileNetV2(strides=(1, 2))
    with pytest.raises(TypeError, match='pretrained must be a str'):
        MobileNetV2(pretrained=1)
