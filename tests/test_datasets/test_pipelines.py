"""The 0.28 data transforms on a real street image and its label map."""
import copy
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine import Config
from PIL import Image

from mmseg.datasets.pipelines import (
    Collect,
    Compose,
    DefaultFormatBundle,
    ImageToTensor,
    LoadAnnotations,
    LoadImageFromFile,
    MultiScaleFlipAug,
    Normalize,
    Pad,
    PhotoMetricDistortion,
    RandomCrop,
    RandomFlip,
    Resize,
    ResizeToMultiple,
    ToTensor,
    Transpose,
    to_tensor,
)
from mmseg.datasets.pipelines.formatting import DEFAULT_META_KEYS
from mmseg.registry import TRANSFORMS

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / 'tests' / 'data'
IMG_NAME, SEG_NAME = 'street.png', 'street_label.png'
H, W = 64, 128  # size of the test image
LABELS = {0, 1, 2, 5, 10, 13, 255}  # ids present in the test label map
MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


def raw_results(**extra) -> dict:
    """What a dataset hands to its pipeline (``pre_pipeline`` keys)."""
    results = dict(img_info=dict(filename=IMG_NAME),
                   ann_info=dict(seg_map=SEG_NAME), img_prefix=str(DATA),
                   seg_prefix=str(DATA), seg_fields=[])
    results.update(extra)
    return results


@pytest.fixture(scope='module')
def _loaded_once() -> dict:
    return LoadAnnotations()(LoadImageFromFile()(raw_results()))


@pytest.fixture
def loaded(_loaded_once) -> dict:
    """Results after loading the image and its label map."""
    return copy.deepcopy(_loaded_once)


def bgr_image() -> np.ndarray:
    return cv2.imread(str(DATA / IMG_NAME), cv2.IMREAD_COLOR)


def label_image() -> np.ndarray:
    return np.array(Image.open(DATA / SEG_NAME))


def seed_with_first_coin(value: int) -> int:
    """A seed whose first ``np.random.randint(2)`` draw is ``value``."""
    for seed in range(100):
        np.random.seed(seed)
        if np.random.randint(2) == value:
            return seed
    raise AssertionError('no such seed')


# ------------------------------------------------------------------ loading

def test_load_image(loaded):
    assert loaded['filename'] == str(DATA / IMG_NAME)
    assert loaded['ori_filename'] == IMG_NAME
    img = loaded['img']
    assert img.dtype == np.uint8 and img.shape == (H, W, 3)
    np.testing.assert_array_equal(img, bgr_image())
    for key in ('img_shape', 'ori_shape', 'pad_shape'):
        assert loaded[key] == (H, W, 3)
    assert loaded['scale_factor'] == 1.0
    norm = loaded['img_norm_cfg']
    np.testing.assert_array_equal(norm['mean'], np.zeros(3))
    np.testing.assert_array_equal(norm['std'], np.ones(3))
    assert norm['to_rgb'] is False


def test_load_image_options():
    results = dict(img_info=dict(filename=str(DATA / IMG_NAME)))
    out = LoadImageFromFile(to_float32=True)(results)
    assert out['filename'] == out['ori_filename'] == str(DATA / IMG_NAME)
    assert out['img'].dtype == np.float32
    np.testing.assert_array_equal(out['img'], bgr_image())
    gray = LoadImageFromFile(color_type='grayscale',
                             imdecode_backend='pillow')(raw_results())
    assert gray['img'].shape == (H, W)
    assert gray['img_norm_cfg']['mean'].shape == (1, )


def test_load_errors_name_the_file(tmp_path):
    missing = raw_results(img_prefix=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='street.png'):
        LoadImageFromFile()(missing)
    (tmp_path / 'bad.png').write_bytes(b'\x89PNG not really an image')
    corrupt = dict(img_info=dict(filename='bad.png'), img_prefix=str(tmp_path),
                   ann_info=dict(seg_map='bad.png'), seg_prefix=str(tmp_path))
    for backend in ('cv2', 'pillow'):
        with pytest.raises(ValueError, match='bad.png.*corrupt'):
            LoadImageFromFile(imdecode_backend=backend)(dict(corrupt))
    with pytest.raises(ValueError, match='bad.png'):
        LoadAnnotations()(dict(corrupt, seg_fields=[]))


def test_load_annotations(loaded):
    seg = loaded['gt_semantic_seg']
    assert seg.dtype == np.uint8 and seg.shape == (H, W)
    np.testing.assert_array_equal(seg, label_image())
    assert loaded['seg_fields'] == ['gt_semantic_seg']


def test_reduce_zero_label():
    out = LoadAnnotations(reduce_zero_label=True)(raw_results())
    label = label_image()
    # the 0.28 recipe, step by step in uint8 arithmetic
    expected = label.copy()
    expected[expected == 0] = 255
    expected = expected - 1
    expected[expected == 254] = 255
    np.testing.assert_array_equal(out['gt_semantic_seg'], expected)
    seg = out['gt_semantic_seg']
    assert (seg[label == 0] == 255).all() and (seg[label == 255] == 255).all()
    assert (seg[label == 13] == 12).all()


def test_label_map_uses_the_original_ids():
    # a swap would collapse both classes if applied in place
    label_map = {0: 1, 1: 0, 10: -1, 13: 3}
    out = LoadAnnotations()(raw_results(label_map=label_map))
    label, seg = label_image(), out['gt_semantic_seg']
    assert (seg[label == 0] == 1).all() and (seg[label == 1] == 0).all()
    assert (seg[label == 10] == 255).all()  # a dropped class is ignored
    assert (seg[label == 13] == 3).all()
    assert (seg[label == 2] == 2).all()  # unmapped ids stay


def test_label_map_then_reduce_zero_label():
    out = LoadAnnotations(reduce_zero_label=True)(
        raw_results(label_map={0: 2, 2: 0}))
    label, seg = label_image(), out['gt_semantic_seg']
    assert (seg[label == 0] == 1).all()  # 0 -> 2 -> 1
    assert (seg[label == 2] == 255).all()  # 2 -> 0 -> ignore
    assert (seg[label == 5] == 4).all()


# ------------------------------------------------------------------- Resize

def test_resize_keep_ratio(loaded):
    out = Resize(img_scale=(100, 40))(loaded)
    # largest size within (long 100, short 40): factor min(100/128, 40/64)
    assert out['img'].shape == (40, 80, 3)
    assert out['img_shape'] == out['pad_shape'] == (40, 80, 3)
    assert out['scale'] == (100, 40) and out['scale_idx'] == 0
    assert out['keep_ratio'] is True
    assert out['scale_factor'].dtype == np.float32
    np.testing.assert_allclose(out['scale_factor'], [0.625] * 4)
    seg = out['gt_semantic_seg']
    assert seg.shape == (40, 80) and set(np.unique(seg)) <= LABELS


def test_resize_keep_ratio_uses_rounded_size(loaded):
    loaded['scale'] = (1000, 33)  # factor 33/64, width 66.5 rounds to 66
    out = Resize()(loaded)
    assert out['img'].shape == (33, 66, 3)
    np.testing.assert_allclose(out['scale_factor'],
                               [66 / 128, 33 / 64, 66 / 128, 33 / 64])


def test_resize_exact(loaded):
    out = Resize(img_scale=(100, 40), keep_ratio=False)(loaded)
    assert out['img'].shape == (40, 100, 3)
    assert out['gt_semantic_seg'].shape == (40, 100)
    np.testing.assert_allclose(out['scale_factor'],
                               [100 / 128, 40 / 64, 100 / 128, 40 / 64])
    assert out['keep_ratio'] is False


def test_resize_to_multiple_rounds_each_side_up(loaded):
    out = Resize(img_scale=(100, 40), keep_ratio=False)(loaded)  # 40x100
    out = ResizeToMultiple(size_divisor=32)(out)
    assert out['img'].shape == (64, 128, 3)
    assert out['img_shape'] == out['pad_shape'] == (64, 128, 3)
    seg = out['gt_semantic_seg']
    assert seg.shape == (64, 128) and set(np.unique(seg)) <= LABELS
    same = ResizeToMultiple(size_divisor=32)(copy.deepcopy(out))
    np.testing.assert_array_equal(same['img'], out['img'])


def test_resize_label_is_nearest(loaded):
    out = Resize(img_scale=(256, 128))(loaded)  # exactly 2x
    np.testing.assert_array_equal(
        out['gt_semantic_seg'],
        label_image().repeat(2, axis=0).repeat(2, axis=1))


def test_resize_ratio_range(loaded):
    np.random.seed(3)
    ratio = np.random.random_sample() * 1.5 + 0.5
    np.random.seed(3)
    out = Resize(img_scale=(200, 100), ratio_range=(0.5, 2.0))(
        copy.deepcopy(loaded))
    assert out['scale'] == (int(200 * ratio), int(100 * ratio))
    assert out['scale_idx'] is None
    np.random.seed(3)
    out = Resize(ratio_range=(0.5, 2.0))(loaded)  # the image's own size
    assert out['scale'] == (int(W * ratio), int(H * ratio))


def test_resize_multiscale_modes(loaded):
    scales = [(100, 40), (160, 80), (200, 90)]
    for seed in range(5):
        np.random.seed(seed)
        out = Resize(img_scale=scales, multiscale_mode='value')(
            copy.deepcopy(loaded))
        assert out['scale'] == scales[out['scale_idx']]
        np.random.seed(seed)
        out = Resize(img_scale=scales[:2], keep_ratio=False)(
            copy.deepcopy(loaded))
        long_edge, short_edge = out['scale']
        assert 100 <= long_edge <= 160 and 40 <= short_edge <= 80
        assert out['img'].shape == (short_edge, long_edge, 3)


def test_resize_scale_in_results_wins(loaded):
    loaded['scale'] = (64, 32)
    out = Resize(img_scale=(1000, 500))(loaded)
    assert out['img'].shape == (32, 64, 3) and 'scale_idx' not in out


def test_resize_min_size(loaded):
    out = Resize(img_scale=(64, 16), min_size=32)(loaded)
    assert out['img'].shape == (32, 64, 3)  # short edge raised to 32
    assert out['gt_semantic_seg'].shape == (32, 64)


def test_resize_bad_config(loaded):
    with pytest.raises(ValueError, match='multiscale_mode'):
        Resize(img_scale=(10, 10), multiscale_mode='any')
    with pytest.raises(ValueError, match='ratio_range'):
        Resize(img_scale=[(10, 10), (20, 20)], ratio_range=(0.5, 1.0))
    with pytest.raises(ValueError, match='img_scale'):
        Resize(img_scale=512)
    with pytest.raises(ValueError, match="results\\['scale'\\]"):
        Resize()(loaded)


# --------------------------------------------------------------- RandomFlip

@pytest.mark.parametrize('direction,axis', [('horizontal', 1),
                                            ('vertical', 0)])
def test_flip(loaded, direction, axis):
    out = RandomFlip(prob=1.0, direction=direction)(loaded)
    assert out['flip'] is True and out['flip_direction'] == direction
    np.testing.assert_array_equal(out['img'], np.flip(bgr_image(), axis))
    np.testing.assert_array_equal(out['gt_semantic_seg'],
                                  np.flip(label_image(), axis))
    assert out['gt_semantic_seg'].flags.c_contiguous


def test_flip_keeps_a_given_decision(loaded):
    out = RandomFlip(prob=0.0)(copy.deepcopy(loaded))
    assert out['flip'] is False
    np.testing.assert_array_equal(out['img'], bgr_image())
    loaded.update(flip=True, flip_direction='vertical')
    out = RandomFlip()(loaded)  # no prob needed when told
    np.testing.assert_array_equal(out['img'], bgr_image()[::-1])


def test_flip_probability(loaded):
    np.random.seed(0)
    flips = [RandomFlip(prob=0.3)(dict(loaded))['flip'] for _ in range(400)]
    assert 0.22 < np.mean(flips) < 0.38


def test_flip_errors(loaded):
    with pytest.raises(ValueError, match='direction'):
        RandomFlip(prob=0.5, direction='diagonal')
    with pytest.raises(ValueError, match='prob'):
        RandomFlip(prob=1.5)
    with pytest.raises(ValueError, match='prob'):
        RandomFlip()(loaded)


# ---------------------------------------------------------------------- Pad

def test_pad_to_size(loaded):
    out = Pad(size=(70, 130))(loaded)
    img, seg = out['img'], out['gt_semantic_seg']
    assert img.shape == (70, 130, 3) and seg.shape == (70, 130)
    assert out['pad_shape'] == (70, 130, 3)
    assert out['img_shape'] == (H, W, 3)  # the content keeps its size
    assert out['pad_fixed_size'] == (70, 130)
    assert out['pad_size_divisor'] is None
    np.testing.assert_array_equal(img[:H, :W], bgr_image())
    np.testing.assert_array_equal(seg[:H, :W], label_image())
    assert (img[H:] == 0).all() and (img[:, W:] == 0).all()
    assert (seg[H:] == 255).all() and (seg[:, W:] == 255).all()


def test_pad_to_multiple(loaded):
    loaded = Resize(img_scale=(100, 40))(loaded)  # 40 x 80
    out = Pad(size_divisor=32, pad_val=7, seg_pad_val=9)(loaded)
    assert out['img'].shape == (64, 96, 3)
    assert out['pad_size_divisor'] == 32 and out['pad_fixed_size'] is None
    assert (out['img'][40:] == 7).all()  # every channel, not just B
    assert (out['gt_semantic_seg'][:, 80:] == 9).all()


def test_pad_needs_one_mode():
    with pytest.raises(ValueError, match='exactly one'):
        Pad()
    with pytest.raises(ValueError, match='exactly one'):
        Pad(size=(8, 8), size_divisor=8)


# ---------------------------------------------------------------- Normalize

def test_normalize(loaded):
    out = Normalize(MEAN, STD, to_rgb=True)(copy.deepcopy(loaded))
    rgb = bgr_image()[..., ::-1].astype(np.float64)
    expected = (rgb - np.array(MEAN)) / np.array(STD)
    assert out['img'].dtype == np.float32
    np.testing.assert_allclose(out['img'], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out['img_norm_cfg']['mean'], MEAN)
    assert out['img_norm_cfg']['to_rgb'] is True
    bgr = Normalize(MEAN, STD, to_rgb=False)(loaded)['img']
    np.testing.assert_allclose(
        bgr, (bgr_image() - np.array(MEAN)) / np.array(STD), rtol=1e-5,
        atol=1e-5)


# --------------------------------------------------------------- RandomCrop

def test_random_crop_window(loaded):
    crop = RandomCrop(crop_size=(32, 48))
    np.random.seed(5)
    rows, cols = crop.random_window(loaded['img'])
    np.random.seed(5)
    out = crop(loaded)
    assert out['img'].shape == out['img_shape'] == (32, 48, 3)
    np.testing.assert_array_equal(out['img'], bgr_image()[rows, cols])
    np.testing.assert_array_equal(out['gt_semantic_seg'],
                                  label_image()[rows, cols])


def test_random_crop_larger_than_image(loaded):
    out = RandomCrop(crop_size=(100, 200))(loaded)
    assert out['img'].shape == (H, W, 3)


def two_class_strip() -> dict:
    """A 4 x 20 label map, class 0 on the left half and 1 on the right."""
    seg = np.zeros((4, 20), np.uint8)
    seg[:, 10:] = 1
    return dict(img=np.zeros((4, 20, 3), np.uint8), gt_semantic_seg=seg,
                seg_fields=['gt_semantic_seg'])


def test_random_crop_cat_max_ratio():
    # a 4 x 10 window at column offset o holds 10 - o and o columns of
    # the two classes: only 3 <= o <= 7 keeps both below 75 %
    def offset(seg):
        return 10 - int((seg[0] == 0).sum())

    plain, balanced = [], []
    for seed in range(30):
        np.random.seed(seed)
        plain.append(offset(RandomCrop((4, 10))(two_class_strip())[
            'gt_semantic_seg']))
        np.random.seed(seed)
        balanced.append(offset(RandomCrop((4, 10), cat_max_ratio=0.75)(
            two_class_strip())['gt_semantic_seg']))
    assert all(3 <= o <= 7 for o in balanced)
    assert not all(3 <= o <= 7 for o in plain)


@pytest.mark.parametrize('right_half', [0, 255])
def test_random_crop_gives_up_after_ten_retries(monkeypatch, right_half):
    # one class, or one class plus ignored pixels: never balanced
    results = two_class_strip()
    results['gt_semantic_seg'][:, 10:] = right_half
    crop = RandomCrop((4, 10), cat_max_ratio=0.75)
    calls = []
    draw = crop.random_window
    monkeypatch.setattr(crop, 'random_window',
                        lambda img: calls.append(1) or draw(img))
    out = crop(results)
    assert len(calls) == 11 and out['img'].shape == (4, 10, 3)


# ---------------------------------------------------- PhotoMetricDistortion

def test_photometric_distortion_changes_values(loaded):
    changed = 0
    for seed in range(4):
        np.random.seed(seed)
        out = PhotoMetricDistortion()(copy.deepcopy(loaded))
        assert out['img'].dtype == np.uint8
        assert out['img'].shape == (H, W, 3)
        changed += not np.array_equal(out['img'], bgr_image())
    assert changed >= 3
    np.testing.assert_array_equal(loaded['gt_semantic_seg'], label_image())


def test_brightness_is_a_clipped_shift():
    img = bgr_image()
    seed = seed_with_first_coin(1)
    np.random.seed(seed)
    np.random.randint(2)
    delta = np.random.uniform(-32, 32)
    np.random.seed(seed)
    out = PhotoMetricDistortion().brightness(img)
    expected = np.clip(img.astype(np.float32) + delta, 0, 255)
    np.testing.assert_array_equal(out, expected.astype(np.uint8))
    np.random.seed(seed)
    bright = PhotoMetricDistortion(brightness_delta=1000).brightness(img)
    assert set(np.unique(bright)) <= {0, 255}  # saturated either way
    np.random.seed(seed_with_first_coin(0))
    assert PhotoMetricDistortion().brightness(img) is img  # coin says no


def test_contrast_scales_and_clips():
    img = bgr_image()
    np.random.seed(seed_with_first_coin(1))
    out = PhotoMetricDistortion(contrast_range=(3.0, 3.0)).contrast(img)
    expected = np.clip(img.astype(np.float32) * 3.0, 0, 255)
    np.testing.assert_array_equal(out, expected.astype(np.uint8))


def test_zero_saturation_gives_gray():
    np.random.seed(seed_with_first_coin(1))
    out = PhotoMetricDistortion(saturation_range=(0., 0.)).saturation(
        bgr_image())
    assert out.dtype == np.uint8
    spread = out.max(axis=2).astype(int) - out.min(axis=2)
    assert spread.max() <= 1


def test_hue_rotates_colours():
    img = bgr_image()
    np.random.seed(seed_with_first_coin(1))
    out = PhotoMetricDistortion(hue_delta=90).hue(img)
    hsv_in, hsv_out = cv2.cvtColor(img, cv2.COLOR_BGR2HSV), cv2.cvtColor(
        out, cv2.COLOR_BGR2HSV)
    np.testing.assert_allclose(hsv_out[..., 2], hsv_in[..., 2], atol=2)
    assert not np.array_equal(hsv_out[..., 0], hsv_in[..., 0])


# --------------------------------------------------------------- formatting

def test_to_tensor():
    array = np.arange(6).reshape(2, 3)
    assert torch.equal(to_tensor(array), torch.arange(6).reshape(2, 3))
    assert torch.equal(to_tensor(array[:, ::-1]),
                       torch.tensor([[2, 1, 0], [5, 4, 3]]))
    assert to_tensor(3).dtype == torch.int64
    assert to_tensor(0.5).dtype == torch.float32
    assert torch.equal(to_tensor([1, 2]), torch.tensor([1, 2]))
    tensor = torch.ones(2)
    assert to_tensor(tensor) is tensor
    with pytest.raises(TypeError, match='str'):
        to_tensor('img')
    out = ToTensor(keys=['a'])(dict(a=array, b=array))
    assert isinstance(out['a'], torch.Tensor)
    assert isinstance(out['b'], np.ndarray)


def test_image_to_tensor_and_transpose(loaded):
    out = ImageToTensor(keys=['img', 'gt_semantic_seg'])(
        copy.deepcopy(loaded))
    assert out['img'].shape == (3, H, W) and out['img'].dtype == torch.uint8
    assert out['gt_semantic_seg'].shape == (1, H, W)
    assert torch.equal(out['img'][2], torch.from_numpy(bgr_image()[..., 2]))
    out = Transpose(keys=['img'], order=(2, 0, 1))(loaded)
    assert out['img'].shape == (3, H, W)


def test_default_format_bundle(loaded):
    loaded = RandomFlip(prob=1.0)(loaded)  # non-contiguous views
    out = DefaultFormatBundle()(loaded)
    img, seg = out['img'], out['gt_semantic_seg']
    assert img.dtype == torch.float32 and img.shape == (3, H, W)
    assert img.is_contiguous()
    np.testing.assert_array_equal(img.permute(1, 2, 0).numpy(),
                                  bgr_image()[:, ::-1])
    assert seg.dtype == torch.int64 and seg.shape == (1, H, W)
    np.testing.assert_array_equal(seg[0].numpy(), label_image()[:, ::-1])


def test_default_format_bundle_fills_missing_metas():
    img = np.zeros((5, 6), np.uint8)
    out = DefaultFormatBundle()(dict(img=img))
    assert out['img'].shape == (1, 5, 6)
    assert out['pad_shape'] == (5, 6) and out['scale_factor'] == 1.0
    assert out['img_norm_cfg']['to_rgb'] is False
    kept = DefaultFormatBundle()(dict(img=img, pad_shape=(8, 8)))
    assert kept['pad_shape'] == (8, 8)


def test_collect(loaded):
    loaded = RandomFlip(prob=0.0)(loaded)
    out = Collect(keys=['img', 'gt_semantic_seg'])(loaded)
    assert set(out) == {'img', 'gt_semantic_seg', 'img_metas'}
    assert type(out['img_metas']) is dict
    assert tuple(out['img_metas']) == DEFAULT_META_KEYS
    assert out['img_metas']['ori_filename'] == IMG_NAME
    assert out['img'] is loaded['img']
    custom = Collect(keys=['img'], meta_keys=['ori_shape'])(loaded)
    assert custom['img_metas'] == {'ori_shape': (H, W, 3)}


def test_collect_names_missing_keys(loaded):
    with pytest.raises(KeyError, match='flip'):
        Collect(keys=['img'])(loaded)  # no RandomFlip ran


# ------------------------------------------------------------------ Compose

def test_compose_builds_and_chains():
    pipeline = Compose([dict(type='LoadImageFromFile'),
                        lambda results: dict(results, seen=True),
                        dict(type='ImageToTensor', keys=['img'])])
    assert isinstance(pipeline.transforms[0], LoadImageFromFile)
    out = pipeline(raw_results())
    assert out['seen'] and out['img'].shape == (3, H, W)
    assert 'ImageToTensor' in repr(pipeline)


def test_compose_stops_at_none():
    later = []
    pipeline = Compose([lambda results: None, later.append])
    assert pipeline(dict()) is None and later == []


def test_compose_errors():
    with pytest.raises(TypeError, match='callable'):
        Compose([42])
    with pytest.raises(TypeError, match='list'):
        Compose(dict(type='Resize'))
    with pytest.raises(KeyError, match='Resizee.*Did you mean: Resize'):
        Compose([dict(type='Resizee')])


def test_all_transforms_are_registered():
    for cls in (Compose, LoadImageFromFile, LoadAnnotations, Resize,
                RandomFlip, Pad, Normalize, RandomCrop,
                PhotoMetricDistortion, ToTensor, ImageToTensor, Transpose,
                DefaultFormatBundle, Collect, MultiScaleFlipAug):
        assert TRANSFORMS.get(cls.__name__) is cls


# -------------------------------------------------------- MultiScaleFlipAug

TTA_STEPS = [dict(type='Resize', keep_ratio=True), dict(type='RandomFlip'),
             dict(type='ImageToTensor', keys=['img']),
             dict(type='Collect', keys=['img'])]


def run_tta(**kwargs) -> dict:
    results = LoadImageFromFile()(raw_results())
    return MultiScaleFlipAug(transforms=TTA_STEPS, **kwargs)(results)


def test_tta_scales_and_flips():
    out = run_tta(img_scale=(256, 128), img_ratios=[0.5, 1.0], flip=True)
    assert set(out) == {'img', 'img_metas'}
    metas = out['img_metas']
    assert [m['flip'] for m in metas] == [False, True, False, True]
    assert [m['img_shape'] for m in metas] == [(64, 128, 3)] * 2 + [
        (128, 256, 3)] * 2
    assert all(m['ori_shape'] == (H, W, 3) for m in metas)
    assert [float(m['scale_factor'][0]) for m in metas] == [1, 1, 2, 2]
    assert torch.equal(out['img'][1], out['img'][0].flip(-1))
    assert torch.equal(out['img'][0].permute(1, 2, 0),
                       torch.from_numpy(bgr_image()))


def test_tta_ratios_of_the_image_size():
    multi = MultiScaleFlipAug(TTA_STEPS, img_scale=None,
                              img_ratios=[0.5, 1.5])
    results = LoadImageFromFile()(raw_results())
    assert [v[0] for v in multi._views(results)] == [(64, 32), (192, 96)]
    out = multi(results)
    assert [img.shape for img in out['img']] == [(3, 32, 64), (3, 96, 192)]
    assert 'scale' not in results  # each view works on a copy


def test_tta_scale_list_and_directions():
    steps = TTA_STEPS[:-1] + [dict(type='Collect', keys=['img'],
                                   meta_keys=['scale', 'flip',
                                              'flip_direction'])]
    results = LoadImageFromFile()(raw_results())
    out = MultiScaleFlipAug(steps, img_scale=[(128, 64), (64, 32)],
                            flip=True,
                            flip_direction=['horizontal', 'vertical'])(
                                results)
    views = [(m['scale'], m['flip'], m['flip_direction'])
             for m in out['img_metas']]
    assert views == [(scale, flip, direction)
                     for scale in [(128, 64), (64, 32)]
                     for flip in (False, True)
                     for direction in ('horizontal', 'vertical')]
    assert torch.equal(out['img'][3], out['img'][0].flip(-2))


def test_tta_config_checks():
    with pytest.raises(ValueError, match='img_ratios'):
        MultiScaleFlipAug(TTA_STEPS, img_scale=None)
    with pytest.raises(ValueError, match='Pad after RandomFlip'):
        MultiScaleFlipAug([dict(type='Pad', size_divisor=32),
                           dict(type='RandomFlip')], img_scale=(8, 8),
                          flip=True)
    with pytest.warns(UserWarning, match='flip_direction'):
        MultiScaleFlipAug(TTA_STEPS, img_scale=(8, 8),
                          flip_direction='vertical')
    with pytest.warns(UserWarning, match='RandomFlip'):
        MultiScaleFlipAug(TTA_STEPS[:1], img_scale=(8, 8), flip=True)


# ------------------------------------------------ Cityscapes config pipelines

@pytest.fixture(scope='module')
def cityscapes() -> Config:
    return Config.fromfile(REPO / 'configs/_base_/datasets/cityscapes.py')


def test_cityscapes_train_pipeline(cityscapes):
    pipeline = Compose(cityscapes.train_pipeline)
    crop_h, crop_w = cityscapes.crop_size
    for seed in range(2):
        np.random.seed(seed)
        out = pipeline(raw_results())
        assert set(out) == {'img', 'gt_semantic_seg', 'img_metas'}
        assert out['img'].shape == (3, crop_h, crop_w)
        assert out['img'].dtype == torch.float32
        assert out['gt_semantic_seg'].shape == (1, crop_h, crop_w)
        assert out['gt_semantic_seg'].dtype == torch.int64
        assert set(out['gt_semantic_seg'].unique().tolist()) <= LABELS
        meta = out['img_metas']
        assert tuple(meta) == DEFAULT_META_KEYS
        assert meta['ori_shape'] == (H, W, 3)
        assert meta['pad_shape'] == (crop_h, crop_w, 3)
        assert meta['img_norm_cfg']['to_rgb'] is True
        # normalised values: roughly zero-centred, far from 0..255
        assert out['img'].abs().max() < 3


def test_cityscapes_test_pipeline(cityscapes):
    out = Compose(cityscapes.test_pipeline)(raw_results())
    assert set(out) == {'img', 'img_metas'}
    assert len(out['img']) == len(out['img_metas']) == 1
    # (2048, 1024) is 16 times the 128 x 64 test image
    assert out['img'][0].shape == (3, 16 * H, 16 * W)
    meta = out['img_metas'][0]
    assert meta['flip'] is False and meta['ori_shape'] == (H, W, 3)
    np.testing.assert_allclose(meta['scale_factor'], [16.0] * 4)
