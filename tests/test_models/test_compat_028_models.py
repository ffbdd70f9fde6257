"""0.28 model behaviour kept for compatibility: PatchEmbed arguments,
shape-convert wrappers, MixFFN/EMA identity, ResNeXt, the separable FCN
head, per-element BCE weights, the live segmentor threshold."""
import copy

import pytest
import torch
import torch.nn.functional as F

from mmseg.models import build_loss, build_segmentor
from mmseg.models.backbones import HRNet, ResNeXt
from mmseg.models.backbones.mit import EfficientMultiheadAttention, MixFFN
from mmseg.models.decode_heads import DepthwiseSeparableFCNHead
from mmseg.models.losses.cross_entropy_loss import _expand_onehot_labels
from mmseg.models.utils import (
    PatchEmbed,
    nchw2nlc2nchw,
    nchw_to_nlc,
    nlc2nchw2nlc,
)
from mmseg.models.utils.embed import AdaptivePadding
from tests.helpers import metas, tiny_fcn, tiny_hrnet


def test_adaptive_padding_pairs():
    pad = AdaptivePadding(kernel_size=(2, 3), stride=(2, 3), padding='same')
    assert pad(torch.zeros(1, 1, 5, 7)).shape[-2:] == (6, 9)
    with pytest.raises(ValueError, match="'same' or 'corner'"):
        AdaptivePadding(padding=1)


def test_patch_embed_028_arguments():
    embed = PatchEmbed(in_channels=3, embed_dims=4, kernel_size=3, stride=2,
                       padding=0, dilation=2, norm_cfg=dict(type='LN'),
                       input_size=(11, 12))
    tokens, hw = embed(torch.rand(2, 3, 11, 12))
    assert hw == embed.init_out_size == (4, 4)  # (n - 5) // 2 + 1
    assert tokens.shape == (2, 16, 4)
    corner = PatchEmbed(3, 4, kernel_size=4, input_size=(6, 7))  # 'corner'
    assert corner.init_input_size == (8, 8)
    assert corner.init_out_size == corner(torch.rand(1, 3, 6, 7))[1] \
        == (2, 2)
    assert PatchEmbed(3, 4).init_out_size is None


def test_shape_convert_wrappers():
    x = torch.rand(2, 3, 4, 5)
    seen = []
    out = nchw2nlc2nchw(lambda t, k: seen.append((t.shape, k)) or t * k, x,
                        k=2)
    assert seen == [((2, 20, 3), 2)] and torch.allclose(out, 2 * x)
    tokens = nchw_to_nlc(x)
    back = nlc2nchw2nlc(lambda m: m.flip(-1), tokens, (4, 5),
                        contiguous=True)
    assert back.is_contiguous()
    assert torch.equal(back, nchw_to_nlc(x.flip(-1)))


def test_mixffn_and_attention_default_identity():
    x = torch.rand(1, 16, 8)
    ffn = MixFFN(8, 16)
    assert torch.allclose(ffn(x, (4, 4)), ffn(x, (4, 4), x))
    zero = torch.zeros_like(x)
    assert not torch.allclose(ffn(x, (4, 4)), ffn(x, (4, 4), zero))
    attn = EfficientMultiheadAttention(8, 2, sr_ratio=2).eval()
    assert torch.allclose(attn(x, (4, 4)), attn(x, (4, 4), x))


def test_resnext_groups():
    net = ResNeXt(depth=50, groups=4, base_width=4, base_channels=8,
                  stem_channels=8, num_stages=2, strides=(1, 2),
                  dilations=(1, 1), out_indices=(0, 1))
    conv2 = net.layer1[0].conv2
    # width = planes * base_width / base_channels * groups = 8 * 4 / 8 * 4
    assert conv2.groups == 4 and conv2.in_channels == 16
    outs = net(torch.rand(1, 3, 32, 32))
    assert [o.shape[1] for o in outs] == [32, 64]
    with pytest.raises(KeyError, match='invalid depth'):
        ResNeXt(depth=18)


def test_separable_fcn_head():
    head = DepthwiseSeparableFCNHead(in_channels=8, channels=8,
                                     num_classes=3, concat_input=True)
    from mmcv.cnn import DepthwiseSeparableConvModule
    assert all(isinstance(m, DepthwiseSeparableConvModule)
               for m in [*head.convs, head.conv_cat])
    assert head([torch.rand(2, 8, 5, 5)]).shape == (2, 3, 5, 5)


def test_hrnet_needs_four_stages():
    extra = copy.deepcopy(tiny_hrnet()['extra'])
    del extra['stage4']
    with pytest.raises(AssertionError, match='stage4'):
        HRNet(extra=extra)


def test_bce_per_element_class_weight():
    pred = torch.randn(2, 3, 4, 4)
    label = torch.randint(0, 3, (2, 4, 4))
    label[0, 0, 0] = 255
    weight = torch.rand(2, 3, 4, 4)
    loss = build_loss(dict(type='CrossEntropyLoss', use_sigmoid=True,
                           class_weight=weight))(pred, label,
                                                 ignore_index=255)
    onehot, valid, _ = _expand_onehot_labels(label, None, pred.shape, 255)
    expected = (F.binary_cross_entropy_with_logits(
        pred, onehot.float(), pos_weight=weight, reduction='none') *
        valid).mean()
    assert torch.allclose(loss, expected)


def test_threshold_is_read_at_predict_time():
    cfg = tiny_fcn(num_classes=2, out_channels=1, threshold=0.3)
    model = build_segmentor(cfg).eval()
    img = torch.rand(1, 3, 32, 32)
    low = model.simple_test(img, metas(1, 32, 32))[0]
    model.decode_head.threshold = 1.0  # a sigmoid never exceeds 1
    assert model.threshold == 1.0
    high = model.simple_test(img, metas(1, 32, 32))[0]
    assert high.sum() == 0 and (low >= high).all()
    model.threshold = 0.0
    assert model.decode_head.threshold == 0.0
    assert model.simple_test(img, metas(1, 32, 32))[0].all()
