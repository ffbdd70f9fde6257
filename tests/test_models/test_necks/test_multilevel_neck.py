import pytest
import torch

from mmseg.models.necks import MultiLevelNeck


def test_scales_each_input():
    neck = MultiLevelNeck([4, 6], 8, scales=[2, 0.5])
    neck.init_weights()
    outs = neck([torch.rand(1, 4, 8, 8), torch.rand(1, 6, 8, 8)])
    assert [tuple(o.shape) for o in outs] == [(1, 8, 16, 16), (1, 8, 4, 4)]
    assert set(neck.state_dict()) >= {'lateral_convs.1.conv.weight',
                                      'convs.1.conv.bias'}


def test_single_input_feeds_every_scale():
    neck = MultiLevelNeck([4], 8)  # scales 0.5, 1, 2, 4
    x = torch.rand(1, 4, 8, 8)
    outs = neck([x])
    assert [o.shape[-1] for o in outs] == [4, 8, 16, 32]
    lateral = neck.lateral_convs[0](x)
    torch.testing.assert_close(outs[1], neck.convs[1](lateral))


def test_errors():
    with pytest.raises(TypeError, match='in_channels must be a list'):
        MultiLevelNeck(4, 8)
    with pytest.raises(AssertionError, match='expects 2 inputs'):
        MultiLevelNeck([4, 4], 8)([torch.rand(1, 4, 2, 2)])
