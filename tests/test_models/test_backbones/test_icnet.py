"""ICNet and ICNeck: 0.28 parity, CAC on its three heads, errors."""
import pytest
import torch

from mmseg.models.backbones import ICNet
from mmseg.models.necks import ICNeck
from tests.reference_028 import assert_cac_trains, check_case, load_case


def test_matches_028():
    check_case('icnet')


def test_cac_on_its_heads():
    assert_cac_trains('icnet')


def tiny_icnet(**kwargs) -> ICNet:
    cfg = dict(load_case('icnet')['config']['backbone'], **kwargs)
    assert cfg.pop('type') == 'ICNet'
    return ICNet(**cfg)


def test_branches_and_neck():
    net = tiny_icnet()
    assert net.backbone.maxpool.ceil_mode
    net.eval()
    with torch.no_grad():
        outs = net(torch.rand(1, 3, 64, 64))
        neck = ICNeck(in_channels=(8, 16, 16), out_channels=16).eval()
        x_24, x_12, fused = neck(outs)
    # the ceil-mode max pooling rounds 16 / 2 up to 9, so stride 16 is 5x5
    assert [tuple(o.shape[1:]) for o in outs] == [(8, 8, 8), (16, 5, 5),
                                                  (16, 2, 2)]
    assert x_24.shape[2:] == (5, 5)
    assert x_12.shape[2:] == fused.shape[2:] == (8, 8)


def test_errors():
    with pytest.raises(TypeError, match='backbone_cfg is required'):
        ICNet(backbone_cfg=None)
    with pytest.raises(ValueError, match='no deep stem'):
        tiny_icnet(backbone_cfg=dict(type='ResNet', depth=18,
                                     base_channels=8, stem_channels=8))
    with pytest.raises(ValueError, match='in_channels must list the 3'):
        ICNeck(in_channels=(8, 16))
    with pytest.raises(ValueError, match='takes the 3 branch outputs'):
        ICNeck(in_channels=(8, 16, 16))([torch.rand(1, 8, 4, 4)])
