import pytest
import torch

from mmseg.models.necks import FPN

CHANNELS = [2, 3, 5, 7]


def inputs():
    return [torch.randn(1, c, s, s) for c, s in zip(CHANNELS, (16, 8, 4, 2))]


@pytest.mark.parametrize('extra', ['on_input', 'on_lateral', 'on_output'])
def test_extra_levels_by_convs(extra):
    neck = FPN(CHANNELS, 4, num_outs=6, add_extra_convs=extra,
               relu_before_extra_convs=True)
    outs = neck(inputs())
    assert [o.shape[2] for o in outs] == [16, 8, 4, 2, 1, 1]
    assert all(o.shape[1] == 4 for o in outs)
    assert neck.fpn_convs[4].conv.in_channels == (7 if extra == 'on_input'
                                                  else 4)


def test_extra_levels_by_pooling_and_start_level():
    outs = FPN(CHANNELS, 4, num_outs=5, start_level=1)(inputs())
    assert [o.shape[2] for o in outs] == [8, 4, 2, 1, 1]


def test_top_down_pathway_adds_the_upsampled_coarser_level():
    neck = FPN([1, 1], 1, num_outs=2)
    with torch.no_grad():
        for conv in [*neck.lateral_convs, *neck.fpn_convs]:
            conv.conv.weight.zero_()
            conv.conv.bias.zero_()
        for conv in neck.lateral_convs:
            conv.conv.weight.fill_(1)
        centre = neck.fpn_convs[0].conv.weight
        centre[..., 1, 1] = 1
    fine, coarse = torch.ones(1, 1, 4, 4), torch.full((1, 1, 2, 2), 2.)
    out = neck([fine, coarse])[0]
    torch.testing.assert_close(out, torch.full((1, 1, 4, 4), 3.))


def test_bad_arguments():
    with pytest.raises(ValueError, match='add_extra_convs'):
        FPN(CHANNELS, 4, 5, add_extra_convs='on_nothing')
    with pytest.raises(TypeError, match='in_channels must be a list'):
        FPN(tuple(CHANNELS), 4, 4)
