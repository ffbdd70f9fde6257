import pytest
import torch

from mmseg.models import build_head
from mmseg.models.decode_heads.decode_head import BaseDecodeHead


def feats(n=2):
    return [torch.randn(n, c, 16 // 2**i, 16 // 2**i)
            for i, c in enumerate((4, 8, 16, 32))]


def fcn(**kwargs):
    cfg = dict(type='FCNHead', in_channels=4, in_index=0, channels=6,
               num_classes=3, num_convs=1)
    cfg.update(kwargs)
    return build_head(cfg)


def test_single_input_selects_in_index():
    head = fcn(in_channels=16, in_index=2)
    assert head(feats()).shape == (2, 3, 4, 4)


def test_resize_concat_upsamples_to_first_input():
    head = fcn(in_channels=[4, 8, 16, 32], in_index=[0, 1, 2, 3],
               input_transform='resize_concat')
    assert head.in_channels == 60
    assert head(feats()).shape == (2, 3, 16, 16)


class _ListHead(BaseDecodeHead):

    def forward(self, inputs):
        return inputs


def test_multiple_select_returns_list():
    head = _ListHead(in_channels=[8, 32], in_index=[1, 3], channels=8,
                     num_classes=3, input_transform='multiple_select')
    selected = head._transform_inputs(feats())
    assert [x.shape[1] for x in selected] == [8, 32]


@pytest.mark.parametrize('num_convs, concat_input', [(0, False), (2, True)])
def test_fcn_variants(num_convs, concat_input):
    head = fcn(in_channels=6, in_index=0, num_convs=num_convs,
               concat_input=concat_input)
    assert hasattr(head, 'conv_cat') == concat_input
    assert head([torch.randn(1, 6, 5, 5)]).shape == (1, 3, 5, 5)


def test_num_convs_zero_requires_matching_channels():
    with pytest.raises(AssertionError):
        fcn(num_convs=0)


def test_dropout_and_losses_with_list_of_losses():
    head = fcn(dropout_ratio=0.1, loss_decode=[
        dict(type='CrossEntropyLoss', loss_weight=1.0),
        dict(type='CrossEntropyLoss', loss_weight=0.5),
        dict(type='CrossEntropyLoss', loss_name='loss_other')])
    assert head.dropout is not None
    logits = torch.randn(2, 3, 4, 4)
    labels = torch.randint(0, 3, (2, 1, 8, 8))
    losses = head.losses(logits, labels)
    assert set(losses) == {'loss_ce', 'loss_other', 'acc_seg'}
    torch.testing.assert_close(losses['loss_ce'], 1.5 * losses['loss_other'])


def test_binary_head_defaults_threshold():
    with pytest.warns(UserWarning, match='threshold'):
        head = fcn(num_classes=2, out_channels=1)
    assert head.threshold == 0.3 and head.conv_seg.out_channels == 1
    with pytest.raises(ValueError, match='out_channels'):
        fcn(num_classes=3, out_channels=2)


def test_init_weights_applies_normal_to_conv_seg():
    head = fcn()
    head.conv_seg.weight.data.fill_(1.0)
    head.init_weights()
    assert head.conv_seg.weight.std() < 0.05
