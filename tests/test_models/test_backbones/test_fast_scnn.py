"""FastSCNN: 0.28 parity, CAC on its three heads, outputs, errors."""
import pytest
import torch

from mmseg.models.backbones import FastSCNN
from tests.reference_028 import assert_cac_trains, check_case


def test_matches_028():
    check_case('fastscnn')


def test_cac_on_its_heads():
    assert_cac_trains('fastscnn')


def test_outputs_and_selection():
    with torch.device('meta'):
        net = FastSCNN().eval()
        outs = net(torch.empty(1, 3, 64, 128))
        (fused, ) = FastSCNN(out_indices=(2, )).eval()(
            torch.empty(1, 3, 64, 128))
    assert [tuple(o.shape[1:]) for o in outs] == [(64, 8, 16), (128, 2, 4),
                                                  (128, 8, 16)]
    assert fused.shape == (1, 128, 8, 16)
    # the depth-wise convs of the downsampling have no activation by default
    assert not net.learning_to_downsample.dsconv1.depthwise_conv \
        .with_activation


def test_channel_mismatch_errors():
    with pytest.raises(ValueError, match='higher_in_channels .32. must'):
        FastSCNN(higher_in_channels=32)
    with pytest.raises(ValueError, match='lower_in_channels .64. must'):
        FastSCNN(lower_in_channels=64)
