import warnings

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from mmseg.models import build_head, build_segmentor
from mmseg.models.decode_heads.ocr_head import (
    ObjectAttentionBlock,
    SpatialGatherModule,
)
from mmseg.models.utils import SelfAttentionBlock
from mmseg.ops import resize
from tests.conftest import REPO_ROOT
from tests.helpers import HR_CHANNELS, NORM, metas, tiny_ocrnet


@pytest.fixture
def model():
    m = build_segmentor(tiny_ocrnet())
    m.init_weights()
    return m


def test_ocrnet_hr48_parameter_count_matches_mmseg_028():
    cfg = Config.fromfile(
        REPO_ROOT / 'configs' / 'ocrnet' /
        'ocrnet_hr48_4x4_512x1024_120k_cityscapes_lr0.01_baseline.py')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build_segmentor(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == 70_371_446


def test_keys_follow_mmseg_028_names(model):
    keys = set(model.state_dict())
    block = 'decode_head.1.object_context_block'
    for key in ('decode_head.0.convs.0.conv.weight',
                'decode_head.0.conv_seg.weight',
                'decode_head.1.bottleneck.conv.weight',
                'decode_head.1.bottleneck.bn.running_var',
                'decode_head.1.conv_seg.bias',
                f'{block}.key_project.0.conv.weight',
                f'{block}.key_project.1.bn.weight',
                f'{block}.query_project.1.conv.weight',
                f'{block}.value_project.conv.weight',
                f'{block}.out_project.bn.bias',
                f'{block}.bottleneck.conv.weight'):
        assert key in keys, key
    ocr_keys = [k for k in keys if k.startswith('decode_head.1.')]
    # 8 ConvModules (conv + 5 BN tensors each) and conv_seg (weight, bias)
    assert len(ocr_keys) == 8 * 6 + 2


def test_losses_of_both_stages_are_prefixed_and_backpropagate(model):
    model.train()
    img = torch.randn(2, 3, 32, 32)
    gt = torch.randint(0, 4, (2, 1, 32, 32))
    losses = model.forward_train(img, metas(2, 32, 32), gt)
    assert set(losses) == {'decode_0.loss_ce', 'decode_0.acc_seg',
                           'decode_1.loss_ce', 'decode_1.acc_seg'}
    # the OCR stage's loss reaches the first stage through its logits
    losses['decode_1.loss_ce'].backward()
    assert model.decode_head[0].conv_seg.weight.grad.abs().sum() > 0
    assert model.backbone.conv1.weight.grad is not None


def test_first_stage_loss_has_its_weight(model):
    model.eval()  # fixed BN statistics: both passes see the same logits
    img = torch.randn(1, 3, 32, 32)
    gt = torch.randint(0, 4, (1, 1, 32, 32))
    with torch.no_grad():
        losses = model.forward_train(img, metas(1, 32, 32), gt)
        logits = model.decode_head[0](model.extract_feat(img))
        logits = resize(logits, size=(32, 32), mode='bilinear')
        expected = 0.4 * nn.functional.cross_entropy(logits, gt[:, 0])
    torch.testing.assert_close(losses['decode_0.loss_ce'], expected)


def test_inference_goes_through_the_last_stage(model):
    model.eval()
    img = torch.randn(2, 3, 32, 48)
    with torch.no_grad():
        feats = model.extract_feat(img)
        coarse = model.decode_head[0](feats)
        fine = model.decode_head[1](feats, coarse)
        expected = resize(fine, size=(32, 48), mode='bilinear')
        logits = model.encode_decode(img, metas(2, 32, 48))
        preds = model.simple_test(img, metas(2, 32, 48))
    assert coarse.shape == fine.shape == (2, 4, 8, 12)
    torch.testing.assert_close(logits, expected)
    assert len(preds) == 2 and preds[0].shape == (32, 48)
    assert (preds[1] == expected[1].argmax(0).numpy()).all()


def test_decode_head_list_must_match_num_stages():
    cfg = tiny_ocrnet()
    cfg['num_stages'] = 3
    with pytest.raises(ValueError, match='num_stages'):
        build_segmentor(cfg)


def test_ocr_head_output_size_follows_its_input():
    head = build_head(dict(tiny_ocrnet()['decode_head'][1]))
    feats = [torch.randn(2, c, 16 // 2**i, 20 // 2**i)
             for i, c in enumerate(HR_CHANNELS)]
    assert head(feats, torch.randn(2, 4, 16, 20)).shape == (2, 4, 16, 20)


def test_spatial_gather_weights_features_by_class_softmax():
    feats = torch.randn(2, 6, 3, 5)
    probs = torch.randn(2, 4, 3, 5)
    context = SpatialGatherModule(scale=2)(feats, probs)
    assert context.shape == (2, 6, 4, 1)
    weights = (2 * probs.flatten(2)).softmax(dim=2)  # (N, K, HW)
    expected = torch.einsum('nkp,ncp->nck', weights, feats.flatten(2))
    torch.testing.assert_close(context[..., 0], expected)


def test_object_attention_with_query_pooling_keeps_the_query_size():
    block = ObjectAttentionBlock(8, 4, scale=2, conv_cfg=None,
                                 norm_cfg=NORM, act_cfg=dict(type='ReLU'))
    out = block(torch.randn(2, 8, 6, 10), torch.randn(2, 8, 5, 1))
    assert out.shape == (2, 8, 6, 10)


def attention(**kwargs) -> SelfAttentionBlock:
    cfg = dict(key_in_channels=6, query_in_channels=6, channels=4,
               out_channels=5, share_key_query=False, query_downsample=None,
               key_downsample=None, key_query_num_convs=1,
               value_out_num_convs=1, key_query_norm=False,
               value_out_norm=False, matmul_norm=False, with_out=True,
               conv_cfg=None, norm_cfg=None, act_cfg=None)
    cfg.update(kwargs)
    return SelfAttentionBlock(**cfg)


def test_self_attention_matches_explicit_attention():
    block = attention(with_out=False, matmul_norm=True)
    nn.init.normal_(block.value_project.weight)
    query, key = torch.randn(2, 6, 3, 4), torch.randn(2, 6, 2, 5)
    q = block.query_project(query).flatten(2)  # (N, C, Lq)
    k = block.key_project(key).flatten(2)
    v = block.value_project(key).flatten(2)
    sim = (q.transpose(1, 2) @ k / 2).softmax(-1)  # sqrt(channels) = 2
    expected = (v @ sim.transpose(1, 2)).reshape(2, 5, 3, 4)
    torch.testing.assert_close(block(query, key), expected)


def test_self_attention_options():
    plain = attention()
    assert torch.all(plain.out_project.weight == 0)  # starts as a no-op
    assert plain(torch.randn(1, 6, 4, 4), torch.randn(1, 6, 3, 3)).shape \
        == (1, 5, 4, 4)
    shared = attention(share_key_query=True, key_query_num_convs=2)
    assert shared.query_project is shared.key_project
    assert isinstance(shared.key_project, nn.Sequential)
    pooled = attention(query_downsample=nn.MaxPool2d(2),
                       key_downsample=nn.MaxPool2d(2))
    assert pooled(torch.randn(1, 6, 8, 8), torch.randn(1, 6, 4, 4)).shape \
        == (1, 5, 4, 4)


@pytest.mark.parametrize('config, num_classes', [
    ('ocrnet_hr48_4x4_512x1024_120k_cityscapes_lr0.01_baseline.py', 19),
    ('ocrnet_hr48_8x2_512x512_160k_ade20k_lr0.02_baseline.py', 150),
    ('ocrnet_hr48_8x2_512x512_60k_cocostuff10k_lr0.004_baseline.py', 171),
    ('ocrnet_hr48_8x2_512x512_60k_pascal_context_lr0.004_baseline.py', 59),
])
def test_baseline_configs_describe_hr48_ocrnet(config, num_classes):
    model = Config.fromfile(REPO_ROOT / 'configs' / 'ocrnet' / config).model
    hr48 = [48, 96, 192, 384]
    assert model.backbone.extra.stage4.num_channels == tuple(hr48)
    assert [h.type for h in model.decode_head] == ['FCNHead', 'OCRHead']
    for head in model.decode_head:
        assert head.in_channels == hr48
        assert head.num_classes == num_classes
    assert [h.loss_decode.loss_weight for h in model.decode_head] == [0.4, 1]
