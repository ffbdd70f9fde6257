"""STDCNet and STDCContextPathNet: output strides and channels, both
fusion types, argument checks."""
import pytest
import torch

from mmseg.models import build_backbone

NORM = dict(type='BN', requires_grad=True)


def stdc(**kwargs):
    cfg = dict(type='STDCNet', stdc_type='STDCNet1', in_channels=3,
               channels=(4, 8, 16, 32, 64), bottleneck_type='cat',
               norm_cfg=NORM, act_cfg=dict(type='ReLU'))
    cfg.update(kwargs)
    return build_backbone(cfg).eval()  # eval: batch-1 global poolings


@pytest.mark.parametrize('kwargs', [
    dict(), dict(bottleneck_type='add'), dict(stdc_type='STDCNet2'),
    dict(num_convs=3)
])
def test_stdcnet_outputs_strides_8_16_32(kwargs):
    outs = stdc(**kwargs)(torch.randn(1, 3, 64, 64))
    assert [tuple(o.shape) for o in outs] == [(1, 16, 8, 8), (1, 32, 4, 4),
                                              (1, 64, 2, 2)]


def test_final_conv_widens_the_last_output():
    outs = stdc(with_final_conv=True)(torch.randn(1, 3, 32, 32))
    assert outs[-1].shape == (1, 1024, 1, 1)


def test_context_path_outputs():
    model = build_backbone(dict(
        type='STDCContextPathNet', backbone_cfg=dict(
            type='STDCNet', stdc_type='STDCNet1', in_channels=3,
            channels=(4, 8, 16, 32, 64), bottleneck_type='cat',
            norm_cfg=NORM, act_cfg=dict(type='ReLU')),
        last_in_channels=(64, 32), out_channels=8,
        ffm_cfg=dict(in_channels=24, out_channels=16))).eval()
    outs = model(torch.randn(1, 3, 64, 64))
    assert [tuple(o.shape) for o in outs] == [
        (1, 16, 8, 8), (1, 8, 4, 4), (1, 8, 8, 8), (1, 16, 8, 8)]


@pytest.mark.parametrize('kwargs, message', [
    (dict(stdc_type='STDCNet3'), 'stdc_type must be one of'),
    (dict(bottleneck_type='sum'), "bottleneck_type must be 'add'"),
    (dict(channels=(4, 8, 16)), 'channels needs 5 values'),
    (dict(num_convs=1), 'num_convs must be > 1'),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        stdc(**kwargs)


def test_pretrained_becomes_an_init_cfg():
    assert stdc(pretrained='stdc1.pth').init_cfg == dict(
        type='Pretrained', checkpoint='stdc1.pth')
    with pytest.raises(AssertionError, match='cannot be set at the same'):
        stdc(pretrained='a.pth', init_cfg=dict(type='Pretrained',
                                              checkpoint='b.pth'))
