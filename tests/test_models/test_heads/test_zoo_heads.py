import pytest
import torch

from mmseg.models import build_head

NORM = dict(type='BN', requires_grad=True)
# backbone-like inputs: strides 4, 8, 8, 8 (dilated) of a 64x64 image
INPUTS = [torch.rand(2, c, s, s) for c, s in ((8, 16), (16, 8), (32, 8),
                                              (64, 8))]


def head(type_, **kwargs):
    return build_head(dict(type=type_, channels=16, num_classes=5,
                           norm_cfg=NORM, **kwargs))


def test_aspp_branches_follow_dilations():
    model = head('ASPPHead', in_channels=64, in_index=3,
                 dilations=(1, 2, 3))
    assert [m.conv.kernel_size for m in model.aspp_modules] == \
        [(1, 1), (3, 3), (3, 3)]
    assert [m.conv.dilation[0] for m in model.aspp_modules] == [1, 2, 3]
    assert model.bottleneck.conv.in_channels == 4 * 16
    assert model(INPUTS).shape == (2, 5, 8, 8)


@pytest.mark.parametrize('c1_in_channels, size', [(8, 16), (0, 8)])
def test_deeplabv3plus_decoder_fuses_low_level_features(c1_in_channels,
                                                        size):
    model = head('DepthwiseSeparableASPPHead', in_channels=64, in_index=3,
                 dilations=(1, 2), c1_in_channels=c1_in_channels,
                 c1_channels=4 if c1_in_channels else 0)
    assert hasattr(model.aspp_modules[1], 'depthwise_conv')
    assert (model.c1_bottleneck is None) == (c1_in_channels == 0)
    assert model(INPUTS).shape == (2, 5, size, size)


def test_psp_pools_to_each_scale():
    model = head('PSPHead', in_channels=64, in_index=3, pool_scales=(1, 3))
    assert [m[0].output_size for m in model.psp_modules] == [1, 3]
    assert model.bottleneck.conv.in_channels == 64 + 2 * 16
    assert model(INPUTS).shape == (2, 5, 8, 8)


def test_uper_fuses_all_levels_at_the_first_size():
    model = head('UPerHead', in_channels=[8, 16, 32, 64],
                 in_index=[0, 1, 2, 3])
    assert model.input_transform == 'multiple_select'
    assert len(model.lateral_convs) == len(model.fpn_convs) == 3
    assert model.fpn_bottleneck.conv.in_channels == 4 * 16
    assert model(INPUTS).shape == (2, 5, 16, 16)
