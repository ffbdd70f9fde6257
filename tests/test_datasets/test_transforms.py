"""The 0.28 transforms added for compatibility, and MultiImageMixDataset."""
import numpy as np
import pytest

from mmseg.datasets import MultiImageMixDataset
from mmseg.registry import TRANSFORMS


def build(**cfg):
    return TRANSFORMS.build(cfg)


def sample(h=6, w=8, seed=0):
    rng = np.random.RandomState(seed)
    img = rng.randint(0, 256, (h, w, 3)).astype(np.uint8)
    seg = rng.randint(0, 5, (h, w)).astype(np.uint8)
    return dict(img=img, gt_semantic_seg=seg, seg_fields=['gt_semantic_seg'],
                img_shape=img.shape, ori_shape=img.shape)


def test_rerange_and_gamma():
    out = build(type='Rerange', min_value=-1, max_value=1)(
        dict(img=np.array([[2., 4.], [6., 10.]])))
    assert np.allclose(out['img'], [[-1, -0.5], [0, 1]])
    with pytest.raises(ValueError, match='constant'):
        build(type='Rerange')(dict(img=np.ones((2, 2))))
    with pytest.raises(AssertionError):  # 0.28 callers catch this
        build(type='Rerange', min_value=1, max_value=1)
    gamma = build(type='AdjustGamma', gamma=2.0)
    out = gamma(dict(img=np.array([[0, 64, 255]], dtype=np.uint8)))
    assert out['img'].tolist() == [[0, 127, 255]]  # 255 * (64/255) ** 0.5
    assert repr(gamma) == 'AdjustGamma(gamma=2.0)'
    with pytest.raises(ValueError, match='positive'):
        build(type='AdjustGamma', gamma=0)


def test_rgb2gray_and_clahe():
    img = np.zeros((2, 2, 3))
    img[..., 2] = 100
    out = build(type='RGB2Gray', out_channels=1, weights=(0., 0., 0.5))(
        dict(img=img))
    assert out['img'].shape == (2, 2, 1) and np.allclose(out['img'], 50)
    assert out['img_shape'] == (2, 2, 1)
    with pytest.raises(ValueError, match='weights'):
        build(type='RGB2Gray', weights=1.1)
    flat = np.full((16, 16, 3), 100, dtype=np.uint8)
    flat[:8] = 110
    out = build(type='CLAHE', clip_limit=40.0, tile_grid_size=(2, 2))(
        dict(img=flat.copy()))
    assert out['img'].dtype == np.uint8 and out['img'].shape == flat.shape
    # equalisation stretches the two grey levels apart
    assert np.ptp(out['img']) > np.ptp(flat)
    with pytest.raises(ValueError, match='tile_grid_size'):
        build(type='CLAHE', tile_grid_size=(8.0, 8.0))


def test_rotate_and_seg_rescale():
    rotate = build(type='RandomRotate', prob=1., degree=90., seg_pad_val=7)
    assert repr(rotate) == ('RandomRotate(prob=1.0, degree=(-90.0, 90.0), '
                            'pad_val=0, seg_pad_val=7, center=None, '
                            'auto_bound=False)')
    results = sample(8, 8)
    seg = results['gt_semantic_seg'].copy()
    np.random.seed(0)
    out = rotate(results)
    assert out['img'].shape == (8, 8, 3)
    assert not np.array_equal(out['gt_semantic_seg'], seg)
    # nearest interpolation: only existing labels or the fill value
    assert set(np.unique(out['gt_semantic_seg'])) <= set(seg.ravel()) | {7}
    with pytest.raises(ValueError, match='positive'):
        build(type='RandomRotate', prob=0.5, degree=-10)
    with pytest.raises(ValueError, match='min, max'):
        build(type='RandomRotate', prob=0.5, degree=(1., 2., 3.))
    out = build(type='SegRescale', scale_factor=0.5)(sample(6, 8))
    assert out['gt_semantic_seg'].shape == (3, 4)
    assert out['img'].shape == (6, 8, 3)


def test_cutout():
    cut = build(type='RandomCutOut', prob=1., n_holes=1,
                cutout_shape=(3, 2), fill_in=(255, 255, 255), seg_fill_in=9)
    results = sample(6, 8)
    results['img'][:] = 0
    np.random.seed(1)
    out = cut(results)
    filled = out['img'][..., 0] == 255
    assert 0 < filled.sum() <= 6
    assert (out['gt_semantic_seg'][filled] == 9).all()
    assert 'cutout_shape' in repr(cut)
    with pytest.raises(ValueError, match='exactly one'):
        build(type='RandomCutOut', prob=0.5, n_holes=1)
    with pytest.raises(ValueError, match='seg_fill_in'):
        build(type='RandomCutOut', prob=0.5, n_holes=1, cutout_shape=(2, 2),
              seg_fill_in=256)


def test_mosaic_tiles_four_samples():
    mosaic = build(type='RandomMosaic', prob=1, img_scale=(4, 6),
                   center_ratio_range=(1.0, 1.0), seg_pad_val=255)
    samples = []
    for value in range(4):
        s = sample(4, 6)
        s['img'][:] = value * 10
        s['gt_semantic_seg'][:] = value
        samples.append(s)
    results = dict(samples[0], mix_results=samples[1:])
    out = mosaic(results)
    # the centre is (6, 4): each tile fills its quadrant exactly
    seg = out['gt_semantic_seg']
    assert seg.shape == (8, 12) and out['img'].shape == (8, 12, 3)
    assert (seg[:4, :6] == 0).all() and (seg[:4, 6:] == 1).all()
    assert (seg[4:, :6] == 2).all() and (seg[4:, 6:] == 3).all()
    assert (out['img'][4:, 6:] == 30).all()
    with pytest.raises(ValueError, match='MultiImageMixDataset'):
        mosaic(sample())


class Samples:
    CLASSES = ('a', 'b')
    PALETTE = [[0, 0, 0], [1, 1, 1]]

    def __init__(self, n):
        self.items = [sample(6 + i, 8, seed=i) for i in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def test_multi_image_mix_dataset():
    pipeline = [dict(type='RandomMosaic', prob=1, img_scale=(5, 5)),
                dict(type='Resize', img_scale=(7, 7), keep_ratio=False)]
    mixed = MultiImageMixDataset(Samples(3), pipeline)
    assert len(mixed) == 3 and mixed.CLASSES == ('a', 'b')
    item = mixed[0]
    assert item['img'].shape == (7, 7, 3) and 'mix_results' not in item
    mixed.update_skip_type_keys(['Resize'])
    assert mixed[1]['img'].shape == (10, 10, 3)
    with pytest.raises(TypeError, match='dict'):
        MultiImageMixDataset(Samples(1), [['Resize']])
