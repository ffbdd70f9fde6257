"""CGNet: 0.28 parity, CAC, outputs, PReLU widths, errors."""
import pytest
import torch

from mmseg.models.backbones import CGNet
from mmseg.models.backbones.cgnet import (
    ContextGuidedBlock,
    GlobalContextExtractor,
)
from tests.reference_028 import assert_cac_trains, check_case


def test_matches_028():
    check_case('cgnet')


def test_cac_on_its_head():
    assert_cac_trains('cgnet')


def test_outputs_and_prelu_widths():
    act_cfg = dict(type='PReLU')
    net = CGNet(num_channels=(8, 16, 32), num_blocks=(2, 2),
                reductions=(4, 8), act_cfg=act_cfg).eval()
    assert act_cfg == dict(type='PReLU')  # not written into
    outs = net(torch.rand(1, 3, 32, 32))
    # stem + image, 2 x level1 + image, 2 x level2
    assert [tuple(o.shape[1:]) for o in outs] == [(11, 16, 16), (35, 8, 8),
                                                  (64, 4, 4)]
    assert net.stem[0].activate.num_parameters == 8
    assert net.level1[0].conv1x1.activate.num_parameters == 16
    assert net.level1[1].conv1x1.activate.num_parameters == 8  # half
    block = net.level2[1]
    x = torch.rand(1, 32, 4, 4)
    assert block.skip_connect and not net.level2[0].skip_connect
    assert torch.allclose(block(x), x + block.f_glo(
        block.activate(block.bn(torch.cat(
            [block.f_loc(block.conv1x1(x)),
             block.f_sur(block.conv1x1(x))], 1)))))


def test_norm_eval():
    net = CGNet(num_channels=(8, 16, 32), num_blocks=(1, 1),
                reductions=(4, 8), norm_eval=True).train()
    assert not net.norm_prelu_0[0].training and net.stem[0].conv.training


def test_errors():
    with pytest.raises(TypeError, match='num_blocks must hold 2'):
        CGNet(num_blocks=(3, ))
    with pytest.raises(ValueError, match='reduction must be in'):
        GlobalContextExtractor(4, reduction=8)
    with pytest.raises(ValueError, match='reduction must be in'):
        ContextGuidedBlock(8, 8, reduction=16)
