import pytest
import torch

from mmseg.models.necks import MLANeck


def test_top_down_sums_of_normalised_inputs():
    neck = MLANeck([4, 4, 4], 6)
    for m in neck.modules():  # make the norms matter
        if isinstance(m, torch.nn.LayerNorm):
            torch.nn.init.normal_(m.weight)
    inputs = [torch.rand(2, 4, 5, 5) for _ in range(3)]
    outs = neck(inputs)
    assert [tuple(o.shape) for o in outs] == [(2, 6, 5, 5)] * 3
    normed = [
        norm(x.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(x.shape)
        for norm, x in zip(neck.norm, inputs)
    ]
    proj = [conv(x) for conv, x in zip(neck.mla.channel_proj, normed)]
    # output 0 comes from the last level alone, output 2 from all of them
    torch.testing.assert_close(outs[0], neck.mla.feat_extract[0](proj[2]))
    torch.testing.assert_close(
        outs[2], neck.mla.feat_extract[2](proj[0] + proj[1] + proj[2]))


def test_028_keys_and_errors():
    keys = set(MLANeck([4, 4], 6, norm_cfg=dict(type='BN')).state_dict())
    assert {'norm.1.weight', 'mla.channel_proj.1.conv.weight',
            'mla.channel_proj.1.bn.running_mean',
            'mla.feat_extract.0.bn.weight'} <= keys
    with pytest.raises(TypeError, match='in_channels must be a list'):
        MLANeck((4, 4), 6)
