"""make_divisible, SELayer, InvertedResidual and InvertedResidualV3."""
import pytest
import torch
from mmcv.cnn.bricks import Conv2dAdaptivePadding

from mmseg.models.utils import (
    InvertedResidual,
    InvertedResidualV3,
    SELayer,
    make_divisible,
)


@pytest.mark.parametrize('value, divisor, min_value, expected', [
    (32, 8, None, 32), (3.2, 8, None, 8), (37, 8, None, 40),
    (9.6, 8, None, 16),  # 8 would lose more than 10%
    (4, 8, 16, 16), (52, 16, None, 48)
])
def test_make_divisible(value, divisor, min_value, expected):
    assert make_divisible(value, divisor, min_value) == expected


def test_se_layer_gates_channels():
    se = SELayer(16, ratio=4)
    assert se.conv1.conv.out_channels == 8  # make_divisible(4, 8)
    x = torch.rand(2, 16, 5, 5)
    gate = se.conv2(se.conv1(x.mean((2, 3), keepdim=True)))
    assert torch.allclose(se(x), x * gate)
    assert ((gate >= 0) & (gate <= 1)).all()  # hard sigmoid
    one = SELayer(16, act_cfg=dict(type='ReLU'))
    assert isinstance(one.conv2.activate, torch.nn.ReLU)
    with pytest.raises(TypeError, match='act_cfg must be a dict or two'):
        SELayer(16, act_cfg=(dict(type='ReLU'), ))


def test_inverted_residual_layout_and_shortcut():
    block = InvertedResidual(8, 8, stride=1, expand_ratio=6)
    assert [m.conv.kernel_size for m in block.conv] == [(1, 1), (3, 3),
                                                        (1, 1)]
    assert block.conv[1].conv.groups == 48 and block.use_res_connect
    assert not block.conv[2].with_activation  # linear bottleneck
    x = torch.rand(2, 8, 9, 9)
    block.eval()
    assert torch.allclose(block(x), x + block.conv(x))
    # no expansion conv for ratio 1; stride 2 drops the shortcut
    thin = InvertedResidual(8, 16, stride=2, expand_ratio=1, dilation=2)
    assert len(thin.conv) == 2 and not thin.use_res_connect
    assert thin.conv[0].conv.dilation == (2, 2)
    assert thin(x).shape == (2, 16, 5, 5)
    with pytest.raises(ValueError, match='stride must be 1 or 2'):
        InvertedResidual(8, 8, stride=3, expand_ratio=1)


def test_inverted_residual_checkpoint_same_output():
    torch.manual_seed(0)
    plain = InvertedResidual(8, 8, 1, 2).eval()
    cp = InvertedResidual(8, 8, 1, 2, with_cp=True).eval()
    cp.load_state_dict(plain.state_dict())
    x = torch.rand(1, 8, 6, 6, requires_grad=True)
    assert torch.allclose(plain(x), cp(x))


def test_inverted_residual_v3():
    block = InvertedResidualV3(16, 16, 32, kernel_size=5, stride=1,
                               se_cfg=dict(channels=32, ratio=4))
    keys = {k.split('.')[0] for k in block.state_dict()}
    assert keys == {'expand_conv', 'depthwise_conv', 'se', 'linear_conv'}
    assert block.with_res_shortcut
    assert block.depthwise_conv.conv.padding == (2, 2)
    # stride 2 pads like TensorFlow's 'same': ceil(7 / 2) = 4
    down = InvertedResidualV3(16, 24, 16, stride=2, with_expand_conv=False)
    assert isinstance(down.depthwise_conv.conv, Conv2dAdaptivePadding)
    assert not hasattr(down, 'expand_conv') and not down.with_res_shortcut
    assert down(torch.rand(1, 16, 7, 7)).shape == (1, 24, 4, 4)
    with pytest.raises(ValueError, match='mid_channels .8. must equal'):
        InvertedResidualV3(16, 16, 8, with_expand_conv=False)
    with pytest.raises(TypeError, match='se_cfg must be a dict'):
        InvertedResidualV3(16, 16, 32, se_cfg=[16])
