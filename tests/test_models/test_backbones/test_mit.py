import math
import warnings

import pytest
import torch
from mmengine.config import Config, ConfigDict

from mmseg.models import build_backbone, build_head, build_segmentor
from mmseg.models.utils import PatchEmbed, nchw_to_nlc, nlc_to_nchw
from tests.conftest import REPO_ROOT
from tests.helpers import MIT_CHANNELS, metas, tiny_mit, tiny_segformer


@pytest.mark.parametrize('config, expected', [
    ('segformer_mit-b0_4x4_512x512_160k_ade20k_lr0.00006_baseline.py',
     3_753_718),
    ('segformer_mit-b5_4x2_640x640_320k_ade20k_lr0.00003_baseline.py',
     82_008_406),
])
def test_parameter_counts_match_mmseg_028(config, expected):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / 'segformer' / config)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build_segmentor(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == expected


def test_mit_keys_follow_mmseg_028_names():
    keys = set(build_backbone(tiny_mit()).state_dict())
    for key in ('layers.0.0.projection.weight', 'layers.0.0.norm.bias',
                'layers.0.1.0.norm1.weight', 'layers.0.1.0.norm2.weight',
                'layers.0.1.0.attn.attn.in_proj_weight',
                'layers.0.1.0.attn.attn.in_proj_bias',
                'layers.0.1.0.attn.attn.out_proj.weight',
                'layers.0.1.0.attn.sr.weight', 'layers.0.1.0.attn.norm.weight',
                'layers.0.1.0.ffn.layers.0.weight',
                'layers.0.1.0.ffn.layers.1.weight',
                'layers.0.1.0.ffn.layers.4.bias', 'layers.0.2.weight',
                'layers.3.1.0.attn.attn.in_proj_weight'):
        assert key in keys, key
    # the last stage attends without spatial reduction
    assert 'layers.3.1.0.attn.sr.weight' not in keys


def test_mit_outputs_four_strided_maps():
    model = build_backbone(tiny_mit())
    outs = model(torch.randn(2, 3, 64, 96))
    assert [tuple(o.shape) for o in outs] == [
        (2, 8, 16, 24), (2, 16, 8, 12), (2, 40, 4, 6), (2, 64, 2, 3)]
    only = build_backbone(tiny_mit(out_indices=(1, 3)))
    assert [o.shape[1] for o in only(torch.randn(1, 3, 32, 32))] == [16, 64]


def test_drop_path_rises_linearly_over_blocks():
    model = build_backbone(tiny_mit(drop_path_rate=0.3))
    rates = [layer[1][0].attn.dropout_layer.drop_prob
             for layer in model.layers]
    assert rates == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert model.layers[3][1][0].ffn.dropout_layer.drop_prob == \
        pytest.approx(0.3)


def test_with_cp_gives_same_outputs_and_gradients():
    plain = build_backbone(tiny_mit())
    ckpt = build_backbone(tiny_mit(with_cp=True))
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 32, 32)
    results = []
    for model in (plain, ckpt):
        model.train()
        outs = model(x)
        sum(o.sum() for o in outs).backward()
        grad = model.layers[0][1][0].attn.attn.in_proj_weight.grad
        results.append((outs, grad.clone()))
    for a, b in zip(results[0][0], results[1][0]):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(results[0][1], results[1][1])


def test_default_init_uses_fan_out_per_group():
    model = build_backbone(tiny_mit(embed_dims=32, num_heads=[1, 1, 1, 1]))
    model.init_weights()
    ffn = model.layers[0][1][0].ffn.layers
    # 1x1 conv: fan_out = 128; depth-wise 3x3 conv: fan_out = 9
    assert ffn[0].weight.std().item() == pytest.approx(
        math.sqrt(2 / 128), rel=0.2)
    assert ffn[1].weight.std().item() == pytest.approx(
        math.sqrt(2 / 9), rel=0.2)
    assert torch.all(ffn[1].bias == 0)
    out_proj = model.layers[0][1][0].attn.attn.out_proj
    assert out_proj.weight.std().item() == pytest.approx(0.02, rel=0.2)
    assert torch.all(out_proj.bias == 0)


def test_pretrained_sets_init_cfg():
    model = build_backbone(tiny_mit(pretrained='mit.pth'))
    assert model.init_cfg == dict(type='Pretrained', checkpoint='mit.pth')
    with pytest.raises(AssertionError):
        build_backbone(tiny_mit(pretrained='mit.pth',
                                init_cfg=dict(type='Pretrained')))


def test_patch_embed_and_token_conversions():
    embed = PatchEmbed(3, 8, kernel_size=7, stride=4, padding=3,
                       norm_cfg=dict(type='LN'))
    tokens, hw_shape = embed(torch.randn(2, 3, 30, 41))
    assert hw_shape == (8, 11) and tokens.shape == (2, 88, 8)
    fmap = nlc_to_nchw(tokens, hw_shape)
    assert fmap.shape == (2, 8, 8, 11)
    assert torch.equal(nchw_to_nlc(fmap), tokens)
    with pytest.raises(AssertionError):
        nlc_to_nchw(tokens, (8, 10))


def test_segformer_head_fuses_levels_at_the_first_resolution():
    head = build_head(tiny_segformer()['decode_head'])
    assert head.input_transform == 'multiple_select'
    assert [c.conv.in_channels for c in head.convs] == MIT_CHANNELS
    assert head.fusion_conv.conv.in_channels == 4 * 16
    feats = [torch.randn(2, c, 16 // 2**i, 24 // 2**i)
             for i, c in enumerate(MIT_CHANNELS)]
    assert head(feats).shape == (2, 4, 16, 24)


def test_segformer_trains_and_predicts():
    model = build_segmentor(tiny_segformer())
    model.train()
    img = torch.randn(2, 3, 64, 64)
    gt = torch.randint(0, 4, (2, 1, 64, 64))
    losses = model.forward_train(img, metas(2, 64, 64), gt)
    assert set(losses) == {'decode.loss_ce', 'decode.acc_seg'}
    losses['decode.loss_ce'].backward()
    assert model.backbone.layers[0][0].projection.weight.grad is not None
    model.eval()
    with torch.no_grad():
        preds = model.simple_test(img, metas(2, 64, 64))
    assert len(preds) == 2 and preds[0].shape == (64, 64)


@pytest.mark.parametrize('crop', [(32, 64), (64, 96)])
def test_slide_equals_whole_when_one_crop_covers_the_image(crop):
    model = build_segmentor(tiny_segformer())
    model.init_weights()
    model.eval()
    img = torch.randn(1, 3, 32, 64)
    with torch.no_grad():
        whole = model.inference(img, metas(1, 32, 64), rescale=True)
        model.test_cfg = ConfigDict(mode='slide', crop_size=crop,
                                    stride=(16, 16))
        slide = model.inference(img, metas(1, 32, 64), rescale=True)
    torch.testing.assert_close(slide, whole)


@pytest.mark.parametrize('config, num_layers', [
    ('segformer_mit-b0_4x4_512x512_160k_ade20k_lr0.00006_baseline.py',
     [2, 2, 2, 2]),
    ('segformer_mit-b1_4x4_512x512_160k_ade20k_lr0.00006_baseline.py',
     [2, 2, 2, 2]),
    ('segformer_mit-b2_4x4_512x512_160k_ade20k_lr0.00006_baseline.py',
     [3, 4, 6, 3]),
    ('segformer_mit-b3_8x2_512x512_160k_ade20k_lr0.00006_baseline.py',
     [3, 4, 18, 3]),
    ('segformer_mit-b4_8x2_512x512_160k_ade20k_lr0.00006_baseline.py',
     [3, 8, 27, 3]),
    ('segformer_mit-b5_4x2_640x640_320k_ade20k_lr0.00003_baseline.py',
     [3, 6, 40, 3]),
])
def test_baseline_configs_match_backbone_and_head(config, num_layers):
    model = Config.fromfile(REPO_ROOT / 'configs' / 'segformer' /
                            config).model
    backbone, head = model.backbone, model.decode_head
    assert backbone.num_layers == num_layers
    assert head.in_channels == [backbone.embed_dims * n
                                for n in backbone.num_heads]
    assert head.num_classes == 150
