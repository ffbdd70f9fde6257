import warnings

import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper

from mmseg.models import build_segmentor
from mmseg.ops import resize
from tests.helpers import metas, tiny_fcn


@pytest.fixture
def model():
    m = build_segmentor(tiny_fcn(num_classes=4))
    m.init_weights()
    return m.eval()


def test_slide_equals_whole_when_one_crop_covers_the_image(model):
    img = torch.randn(1, 3, 32, 48)
    whole = model.whole_inference(img, metas(1, 32, 48), rescale=True)
    model.test_cfg = type(model.test_cfg)(mode='slide', crop_size=(64, 64),
                                          stride=(32, 32))
    with torch.no_grad():
        slide = model.slide_inference(img, metas(1, 32, 48), rescale=True)
    torch.testing.assert_close(slide, whole.detach())


def test_slide_averages_overlapping_windows(model):
    img = torch.randn(1, 3, 32, 48)
    model.test_cfg = type(model.test_cfg)(mode='slide', crop_size=(32, 32),
                                          stride=(16, 16))
    with torch.no_grad():
        slide = model.slide_inference(img, metas(1, 32, 48), rescale=False)
        left = model.encode_decode(img[..., :32], None)
        right = model.encode_decode(img[..., 16:], None)
    expected = torch.zeros_like(slide)
    expected[..., :16] = left[..., :16]
    expected[..., 16:32] = (left[..., 16:] + right[..., :16]) / 2
    expected[..., 32:] = right[..., 16:]
    torch.testing.assert_close(slide, expected)


def test_rescale_crops_padding_and_resizes_to_original(model):
    img = torch.randn(1, 3, 32, 32)
    meta = metas(1, 24, 30)
    meta[0]['ori_shape'] = (48, 60, 3)
    with torch.no_grad():
        prob = model.inference(img, meta, rescale=True)
        logits = model.encode_decode(img, meta)[:, :, :24, :30]
    expected = F.softmax(resize(logits, (48, 60), mode='bilinear'), dim=1)
    torch.testing.assert_close(prob, expected)


def test_flipped_view_is_flipped_back(model):
    img = torch.randn(1, 3, 16, 24)
    meta = metas(1, 16, 24, flip_direction='horizontal')
    meta[0]['flip'] = True
    with torch.no_grad():
        unflipped = model.inference(img.flip(3), meta, rescale=True)
        raw = model.inference(img.flip(3), metas(1, 16, 24), rescale=True)
    torch.testing.assert_close(unflipped, raw.flip(3))
    meta[0]['flip_direction'] = 'vertical'
    with torch.no_grad():
        unflipped = model.inference(img.flip(2), meta, rescale=True)
        raw = model.inference(img.flip(2), metas(1, 16, 24), rescale=True)
    torch.testing.assert_close(unflipped, raw.flip(2))


def test_aug_test_averages_probabilities_over_views(model):
    img = torch.randn(1, 3, 32, 32)
    small = F.interpolate(img, scale_factor=0.5, mode='bilinear')
    m_full, m_small = metas(1, 32, 32), metas(1, 16, 16)
    m_small[0]['ori_shape'] = (32, 32, 3)
    with torch.no_grad():
        pred = model.forward_test([img, small], [m_full, m_small])
        avg = (model.inference(img, m_full, True) +
               model.inference(small, m_small, True)) / 2
    assert (pred[0] == avg.argmax(1)[0].numpy()).all()


def test_batched_multi_scale_flip_equals_separate_runs(model):
    img = torch.randn(2, 3, 32, 48)
    imgs, views = [], []
    for ratio in (0.5, 1.0, 1.5):
        h, w = int(32 * ratio), int(48 * ratio)
        scaled = F.interpolate(img, size=(h, w), mode='bilinear')
        for flip in (False, True):
            meta = metas(2, h, w, flip_direction='horizontal')
            for m in meta:
                m.update(flip=flip, ori_shape=(32, 48, 3))
            imgs.append(scaled.flip(3) if flip else scaled)
            views.append(meta)
    with torch.no_grad():
        batched = model.aug_inference(imgs, views)
        separate = sum(model.inference(i, m, True)
                       for i, m in zip(imgs, views)) / len(imgs)
        labels = model.aug_test(imgs, views)
    torch.testing.assert_close(batched, separate, atol=1e-5, rtol=0)
    assert (labels[1] == batched[1].argmax(0).numpy()).all()


def test_forward_dispatches_0_28_and_mmengine_modes(model):
    img = torch.randn(2, 3, 32, 32)
    gt = torch.randint(0, 4, (2, 1, 32, 32))
    model.train()
    losses = model(img, metas(2, 32, 32), gt)
    assert set(losses) == {'decode.loss_ce', 'decode.acc_seg'}
    assert set(model(img, metas(2, 32, 32), gt, mode='loss')) == set(losses)
    model.eval()
    with torch.no_grad():
        preds = model([img], [metas(2, 32, 32)], return_loss=False)
        assert len(preds) == 2 and preds[0].shape == (32, 32)
        assert len(model(img, metas(2, 32, 32), mode='predict')) == 2
        assert model(img, None, mode='tensor').shape == (2, 4, 32, 32)
    with pytest.raises(ValueError, match='mode'):
        model(img, None, mode='bad')


def test_train_step_updates_weights_and_logs(model):
    model.train()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(img=torch.randn(2, 3, 32, 32), img_metas=metas(2, 32, 32),
                gt_semantic_seg=torch.randint(0, 4, (2, 1, 32, 32)))
    before = model.decode_head.conv_seg.weight.detach().clone()
    log_vars = model.train_step(data, wrapper)
    assert set(log_vars) == {'decode.loss_ce', 'decode.acc_seg', 'loss'}
    torch.testing.assert_close(log_vars['loss'], log_vars['decode.loss_ce'])
    assert not torch.equal(before, model.decode_head.conv_seg.weight)


def test_auxiliary_heads_are_prefixed():
    cfg = tiny_fcn(num_classes=4)
    aux = dict(cfg['decode_head'], loss_decode=dict(
        type='CrossEntropyLoss', loss_weight=0.4))
    cfg['auxiliary_head'] = [aux, aux]
    model = build_segmentor(cfg)
    img = torch.randn(2, 3, 32, 32)
    gt = torch.randint(0, 4, (2, 1, 32, 32))
    losses = model.forward_train(img, metas(2, 32, 32), gt)
    assert {'aux_0.loss_ce', 'aux_1.loss_ce', 'decode.loss_ce'} <= set(losses)
    cfg['auxiliary_head'] = aux
    losses = build_segmentor(cfg).forward_train(img, metas(2, 32, 32), gt)
    assert 'aux.loss_ce' in losses


def test_resize_warns_about_misaligned_upsampling():
    x = torch.randn(1, 1, 4, 4)
    with pytest.warns(UserWarning, match='align_corners'):
        resize(x, size=(9, 9), mode='bilinear', align_corners=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        resize(x, size=(7, 7), mode='bilinear', align_corners=True)
        resize(x, size=(9, 9), mode='bilinear', align_corners=False)
