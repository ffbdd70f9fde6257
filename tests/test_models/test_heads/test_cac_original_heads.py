"""CAC heads for OCRNet and SegFormer: structure, losses, gradient paths."""
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config

from mmseg.models import build_segmentor
from mmseg.ops import resize
from tests.conftest import REPO_ROOT
from tests.helpers import (
    metas,
    reaches,
    tiny_ocrnet,
    tiny_segformer,
    untouched,
)

NUM_CLASSES = 4
CAC_LOSSES = [
    dict(type='CrossEntropyLoss', loss_weight=1.0),
    dict(type='CACLoss', loss_weight=0.5, max_sample=128, threshold=10),
]
CAC_CONFIGS = sorted(
    str(p.relative_to(REPO_ROOT / 'configs'))
    for folder in ('cac_ocrnet', 'cac_segformer')
    for p in (REPO_ROOT / 'configs' / folder).glob('*.py'))


def tiny_cac_ocrnet(**head_kwargs) -> dict:
    cfg = tiny_ocrnet(NUM_CLASSES)
    cfg['decode_head'][1].update(type='CACOCRHead', proj_channel=16,
                                 weight=1.5, loss_decode=CAC_LOSSES,
                                 **head_kwargs)
    return cfg


def tiny_cac_segformer(**head_kwargs) -> dict:
    cfg = tiny_segformer(NUM_CLASSES)
    cfg['decode_head'].update(type='CACSegformerHead', proj_channel=16,
                              weight=1.5, loss_decode=CAC_LOSSES,
                              **head_kwargs)
    return cfg


TINY = {'ocrnet': (tiny_cac_ocrnet, 'decode_1'),
        'segformer': (tiny_cac_segformer, 'decode')}


def cac_head(model: nn.Module) -> nn.Module:
    heads = model.decode_head
    return heads[-1] if isinstance(heads, nn.ModuleList) else heads


def build(name: str, **head_kwargs):
    make, prefix = TINY[name]
    model = build_segmentor(make(**head_kwargs))
    model.init_weights()
    model.train()
    return model, prefix


def train_losses(model: nn.Module, n: int = 2, size: int = 64) -> dict:
    img = torch.randn(n, 3, size, size)
    gt = torch.randint(0, NUM_CLASSES, (n, 1, size, size))
    return model.forward_train(img, metas(n, size, size), gt)


def build_full(config: str) -> nn.Module:
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return build_segmentor(cfg.model)


@pytest.mark.parametrize('config, expected, key_shapes', [
    ('cac_ocrnet/ocrnet_hr48_4x2_512x1024_120k_cityscapes_lr0.01_0.6_0.1_'
     '1.5.py', 75_134_857, {
         'decode_head.1.proj.0.conv.weight': (256, 720, 1, 1),
         'decode_head.1.proj.1.module.conv.weight': (256, 256, 1, 1),
         'decode_head.1.proj.1.module.conv.bias': (256, ),
         'decode_head.1.weight_branch.bottleneck.conv.weight':
         (512, 720, 3, 3),
         'decode_head.1.weight_branch.object_context_block.key_project.0.'
         'conv.weight': (256, 512, 1, 1),
         'decode_head.1.weight_branch.conv_seg.weight': (19, 512, 1, 1),
     }),
    ('cac_segformer/segformer_mit-b0_4x4_512x512_160k_ade20k_lr0.00006_1.8_'
     '0.1_1.5.py', 4_385_420, {
         'decode_head.proj.0.conv.weight': (256, 512, 1, 1),
         'decode_head.weight_branch.3.conv.weight': (256, 256, 1, 1),
         'decode_head.weight_branch.4.0.conv.weight': (256, 1024, 1, 1),
         'decode_head.weight_branch.4.0.bn.weight': (256, ),
         'decode_head.weight_branch.4.1.conv.bias': (150, ),
     }),
    ('cac_segformer/segformer_mit-b5_4x2_640x640_320k_ade20k_lr0.00003_1.8_'
     '0.1_2.0.py', 82_902_252, {
         'decode_head.proj.0.conv.weight': (256, 1024, 1, 1),
         'decode_head.weight_branch.0.conv.weight': (256, 64, 1, 1),
         'decode_head.weight_branch.4.1.conv.weight': (150, 256, 1, 1),
     }),
])
def test_full_models_match_the_original(config, expected, key_shapes):
    model = build_full(config)
    assert sum(p.numel() for p in model.parameters()) == expected
    state = model.state_dict()
    for key, shape in key_shapes.items():
        assert tuple(state[key].shape) == shape, key


@pytest.mark.parametrize('config', CAC_CONFIGS)
def test_configs_pair_cac_heads_with_warmup_hooks(config):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    head = cfg.model.decode_head
    head = head[-1] if isinstance(head, list) else head
    folder = Path(config).parent.name
    assert head.type == {'cac_ocrnet': 'CACOCRHead',
                         'cac_segformer': 'CACSegformerHead'}[folder]
    assert [loss.type for loss in head.loss_decode] == \
        ['CrossEntropyLoss', 'CACLoss']
    for hook in cfg.get('custom_hooks', []):
        assert hook.type == 'loss_weight_warmup_hook'
        assert hook.loss_name == 'loss_cac'  # CACLoss's default name


def test_cac_segformer_head_keys():
    head = cac_head(build('segformer')[0])
    keys = set(head.state_dict())
    levels = len(head.in_channels)
    for key in ('convs.3.conv.weight', 'fusion_conv.bn.weight',
                'conv_seg.bias', 'proj.0.conv.weight',
                'proj.1.module.conv.bias', 'weight_branch.3.bn.weight',
                f'weight_branch.{levels}.0.conv.weight',
                f'weight_branch.{levels}.1.conv.bias'):
        assert key in keys, key
    assert head.proj[0].conv.in_channels == sum(head.in_channels)
    assert head.weight_branch[levels][1].conv.out_channels == NUM_CLASSES
    assert len(head.weight_branch) == levels + 1


@pytest.mark.parametrize('name', ['ocrnet', 'segformer'])
def test_project_detach_stops_the_cac_gradient_at_the_head(name):
    model, prefix = build(name)
    head = cac_head(model)
    head.project_detach = True
    loss_cac = train_losses(model)[f'{prefix}.loss_cac']
    assert reaches(loss_cac, head.proj)
    assert untouched(loss_cac, model.backbone)


@pytest.mark.parametrize('name', ['ocrnet', 'segformer'])
def test_inference_computes_only_the_segmentation_logits(name):
    model, _ = build(name)
    head = cac_head(model)
    calls = []
    for branch in (head.proj, head.weight_branch):
        branch.register_forward_pre_hook(lambda *args: calls.append(1))
    model.eval()
    img = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        logits = model.encode_decode(img, metas(2, 64, 48))
        preds = model.simple_test(img, metas(2, 64, 48))
    assert isinstance(logits, torch.Tensor)
    assert logits.shape == (2, NUM_CLASSES, 64, 48)
    assert len(preds) == 2 and preds[0].shape == (64, 48)
    assert not calls


@pytest.mark.parametrize('name', ['ocrnet', 'segformer'])
@pytest.mark.parametrize('thresh', [None, 0.7])
def test_ohem_ranks_pixels_with_the_pixel_losses_only(name, thresh):
    model, prefix = build(name, sampler=dict(
        type='OHEMPixelSampler', thresh=thresh, min_kept=200))
    head = cac_head(model)
    assert [type(m).__name__ for m in head.pixel_losses()] == \
        ['CrossEntropyLoss']
    losses = train_losses(model)
    for key in ('loss_ce', 'loss_ce_weight', 'loss_cac'):
        assert torch.isfinite(losses[f'{prefix}.{key}']), key
    losses[f'{prefix}.loss_ce_weight'].backward()


def plain_ce(logits: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    logits = resize(logits, size=gt.shape[2:], mode='bilinear')
    return F.cross_entropy(logits, gt[:, 0], ignore_index=255)


@pytest.mark.parametrize('name', ['ocrnet', 'segformer'])
def test_training_logits_are_the_inference_logits(name):
    model, _ = build(name)
    model.eval()  # fixed BN statistics
    head = cac_head(model)
    img = torch.randn(2, 3, 64, 64)
    gt = torch.randint(0, NUM_CLASSES, (2, 1, 64, 64))
    with torch.no_grad():
        feats = model.extract_feat(img)
        inputs = [feats]
        if name == 'ocrnet':
            inputs.append(model.decode_head[0](feats))
        losses = head.forward_train(*inputs, metas(2, 64, 64), gt, {})
        torch.testing.assert_close(losses['loss_ce'],
                                   plain_ce(head(*inputs), gt))
        if name == 'ocrnet':  # a complete OCR head on the same inputs
            torch.testing.assert_close(
                losses['loss_ce_weight'],
                1.5 * plain_ce(head.weight_branch(*inputs), gt))
