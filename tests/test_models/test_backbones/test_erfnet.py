"""ERFNet: 0.28 parity, CAC, layout, errors."""
import pytest
import torch

from mmseg.models.backbones import ERFNet
from mmseg.models.backbones.erfnet import DownsamplerBlock, NonBottleneck1d
from tests.reference_028 import assert_cac_trains, check_case


def test_matches_028():
    check_case('erfnet')


def test_cac_on_its_head():
    assert_cac_trains('erfnet')


def test_default_layout():
    with torch.device('meta'):
        net = ERFNet()
        (out, ) = net(torch.empty(1, 3, 64, 64))
    assert out.shape == (1, 16, 32, 32)  # stride 2
    # 3 downsamplers, 5 + 8 non-bottlenecks; 2 upsamplers, 2 + 2 blocks
    assert len(net.encoder) == 16 and len(net.decoder) == 6
    dilations = [b.convs_layers[5].dilation[0] for b in net.encoder[8:]]
    assert dilations == [2, 4, 8, 16, 2, 4, 8, 16]
    assert net.encoder[8].convs_layers[9].p == 0.1
    assert net.decoder[1].convs_layers[9].p == 0  # decoder: no dropout
    assert net.encoder[0].bn.eps == 1e-3


def test_blocks():
    down = DownsamplerBlock(3, 16).eval()
    assert down.conv.out_channels == 13
    assert down(torch.rand(1, 3, 7, 9)).shape == (1, 16, 4, 5)
    block = NonBottleneck1d(8, dilation=2).eval()
    x = torch.rand(1, 8, 6, 6)
    out = x
    for layer in block.convs_layers:
        out = layer(out)
    assert torch.allclose(block(x), torch.relu(out + x))


def test_errors():
    with pytest.raises(ValueError, match='dec_upsample_channels needs 2'):
        ERFNet(dec_upsample_channels=(64, ))
    with pytest.raises(ValueError, match='must be a multiple'):
        ERFNet(enc_stage_non_bottlenecks=(5, 6))
