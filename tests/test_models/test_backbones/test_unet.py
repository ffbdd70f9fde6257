"""UNet, UpConvBlock, InterpConv and DeconvModule: shapes, options and
argument checks."""
import pytest
import torch
import torch.nn as nn

from mmseg.models import build_backbone
from mmseg.models.backbones.unet import (
    BasicConvBlock,
    DeconvModule,
    InterpConv,
)
from mmseg.models.utils import UpConvBlock


def unet(**kwargs):
    cfg = dict(type='UNet', base_channels=2, num_stages=3,
               strides=(1, 1, 1), enc_num_convs=(1, 1, 1),
               dec_num_convs=(1, 1), downsamples=(True, True),
               enc_dilations=(1, 1, 1), dec_dilations=(1, 1))
    cfg.update(kwargs)
    return build_backbone(cfg)


@pytest.mark.parametrize('kwargs', [
    dict(), dict(upsample_cfg=dict(type='DeconvModule')),
    dict(strides=(1, 2, 1), downsamples=(False, True)),
    dict(upsample_cfg=dict(type='InterpConv', conv_first=True)),
])
def test_outputs_deepest_first(kwargs):
    outs = unet(**kwargs)(torch.randn(1, 3, 16, 16))
    assert [tuple(o.shape) for o in outs] == [(1, 8, 4, 4), (1, 4, 8, 8),
                                              (1, 2, 16, 16)]


def test_a_stage_without_downsampling_adapts_channels_only():
    model = unet(downsamples=(True, False))
    assert isinstance(model.decoder[1].upsample.conv, nn.Conv2d)
    outs = model(torch.randn(1, 3, 8, 8))
    assert [tuple(o.shape[1:]) for o in outs] == [(8, 4, 4), (4, 4, 4),
                                                  (2, 8, 8)]


def test_checkpointing_gives_the_same_gradients():
    torch.manual_seed(0)
    plain = unet()
    checkpointed = unet(with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 8, 8, requires_grad=True)
    for model in (plain, checkpointed):
        model(x)[-1].sum().backward()
    for a, b in zip(plain.parameters(), checkpointed.parameters()):
        torch.testing.assert_close(a.grad, b.grad)


def test_norm_eval_keeps_the_statistics():
    model = unet(norm_eval=True).train()
    assert all(not m.training for m in model.modules()
               if isinstance(m, nn.BatchNorm2d))
    assert unet().train().encoder[0][0].convs[0].bn.training


def test_errors():
    with pytest.raises(ValueError, match='divisible by the encoder'):
        unet()(torch.randn(1, 3, 10, 16))
    with pytest.raises(ValueError, match='dec_num_convs needs 2 values'):
        unet(dec_num_convs=(1, 1, 1))
    with pytest.raises(ValueError, match='kernel_size - scale_factor'):
        DeconvModule(4, 2, kernel_size=3)
    with pytest.raises(NotImplementedError, match='dcn and plugins'):
        UpConvBlock(BasicConvBlock, 4, 2, 2, dcn=dict(type='DCN'))


def test_upsampling_modules():
    x = torch.randn(1, 4, 5, 5)
    assert DeconvModule(4, 2)(x).shape == (1, 2, 10, 10)
    assert InterpConv(4, 2)(x).shape == (1, 2, 10, 10)
    assert DeconvModule(4, 2, kernel_size=6, scale_factor=4)(x).shape == \
        (1, 2, 20, 20)
