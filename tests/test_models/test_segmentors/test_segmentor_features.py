"""The segmentors' feature methods: ``cac_features`` and
``decoder_features`` against what the heads compute directly."""
import pytest
import torch
import torch.nn.functional as F

from mmseg.models import build_segmentor
from tests.helpers import tiny_fcn, tiny_ocrnet

NUM_CLASSES = 4
CAC_LOSSES = [dict(type='CrossEntropyLoss'),
              dict(type='CACLoss', loss_weight=0.5, max_sample=64)]


def with_cac(cfg: dict) -> dict:
    heads = cfg['decode_head']
    head = heads[-1] if isinstance(heads, list) else heads
    head.update(cac=dict(proj_channel=12, weight=1.5),
                loss_decode=CAC_LOSSES)
    return cfg


def built(cfg: dict, train: bool = False):
    torch.manual_seed(0)
    model = build_segmentor(cfg)
    model.init_weights()
    return model.train(train)


def image() -> torch.Tensor:
    generator = torch.Generator().manual_seed(3)
    return torch.randn(2, 3, 64, 64, generator=generator)


def assert_same(a: torch.Tensor, b: torch.Tensor) -> None:
    torch.testing.assert_close(a, b, rtol=0, atol=0)


def predicted(model, img: torch.Tensor, logits: torch.Tensor) -> None:
    """``logits`` are the model's inference logits before the resize."""
    full = F.interpolate(logits, size=img.shape[2:], mode='bilinear',
                         align_corners=False)
    torch.testing.assert_close(full, model.encode_decode(img, None))


@torch.no_grad()
def test_cac_features_of_fcn_are_the_heads_outputs():
    model = built(with_cac(tiny_fcn(NUM_CLASSES)))
    img = image()
    out = model.cac_features(img)
    direct = model.decode_head.cac_outputs(model.extract_feat(img))
    for got, want in zip(out, direct):
        assert_same(got, want)
    assert out.projection.shape[:2] == (2, 12)
    assert out.confidence_logits.shape[1] == NUM_CLASSES
    assert not torch.equal(out.logits, out.confidence_logits)
    predicted(model, img, out.logits)


@torch.no_grad()
def test_cac_features_of_the_ocr_cascade_use_the_first_stage_logits():
    model = built(with_cac(tiny_ocrnet(NUM_CLASSES)))
    img = image()
    out = model.cac_features(img)
    feats = model.extract_feat(img)
    first, last = model.decode_head
    prev = first(feats)
    for got, want in zip(out, last.cac_outputs(feats, prev)):
        assert_same(got, want)
    # the stage's logits depend on the previous ones: zeros would differ
    assert not torch.allclose(out.logits,
                              last(feats, torch.zeros_like(prev)))
    predicted(model, img, out.logits)


@pytest.mark.parametrize('cfg', [tiny_fcn(NUM_CLASSES),
                                 tiny_ocrnet(NUM_CLASSES)],
                         ids=['fcn', 'ocrnet'])
def test_cac_features_of_a_plain_model_name_the_head(cfg):
    with pytest.raises(ValueError, match=r'(FCN|OCR)Head has no CAC'):
        built(cfg).cac_features(image())


@torch.no_grad()
def test_decoder_features_of_fcn_feed_conv_seg():
    model = built(tiny_fcn(NUM_CLASSES))
    img = image()
    feats = model.decoder_features(img)
    head = model.decode_head
    assert_same(feats, head._forward_feature(model.extract_feat(img))[0])
    assert feats.shape[1] == head.channels
    predicted(model, img, head.conv_seg(feats))


def test_decoder_features_are_taken_before_dropout():
    """In training mode dropout zeroes channels; the features do not."""
    model = built(tiny_fcn(NUM_CLASSES, dropout_ratio=0.9), train=True)
    img = image()
    with torch.no_grad():
        feats = model.decoder_features(img)
        direct = model.decode_head._forward_feature(
            model.extract_feat(img))[0]
    assert_same(feats, direct)


@torch.no_grad()
def test_decoder_features_of_the_ocr_cascade_are_the_object_context():
    model = built(tiny_ocrnet(NUM_CLASSES))
    img = image()
    feats = model.decoder_features(img)
    x = model.extract_feat(img)
    first, last = model.decode_head
    bottleneck = last.bottleneck(last._transform_inputs(x))
    context = last.spatial_gather_module(bottleneck, first(x))
    assert_same(feats, last.object_context_block(bottleneck, context))
    predicted(model, img, last.conv_seg(feats))
