"""``seg_collate``: training and test batches, padding and errors."""
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from mmseg.datasets.collate import seg_collate
from mmseg.datasets.pipelines import Compose
from mmseg.registry import FUNCTIONS

DATA = Path(__file__).resolve().parents[1] / 'data'


def train_sample(h, w, idx=0, fill=1.0, label=3) -> dict:
    return dict(img=torch.full((3, h, w), fill),
                gt_semantic_seg=torch.full((1, h, w), label,
                                           dtype=torch.int64),
                img_metas=dict(ori_shape=(h, w, 3), idx=idx),
                sample_idx=idx)


def tta_sample(sizes, idx=0) -> dict:
    return dict(img=[torch.full((3, h, w), float(idx)) for h, w in sizes],
                img_metas=[dict(view=v, idx=idx) for v in range(len(sizes))],
                sample_idx=idx)


def test_registered():
    assert FUNCTIONS.get('seg_collate') is seg_collate


def test_train_batch_of_equal_sizes():
    samples = [train_sample(4, 6, idx=i, fill=float(i)) for i in range(3)]
    batch = seg_collate(samples)
    assert set(batch) == {'img', 'gt_semantic_seg', 'img_metas',
                          'sample_idx'}
    assert batch['img'].shape == (3, 3, 4, 6)
    assert batch['gt_semantic_seg'].shape == (3, 1, 4, 6)
    assert batch['gt_semantic_seg'].dtype == torch.int64
    assert torch.equal(batch['img'][2], samples[2]['img'])
    assert batch['img_metas'] == [s['img_metas'] for s in samples]
    assert batch['sample_idx'] == [0, 1, 2]


def test_train_batch_is_padded_bottom_right():
    batch = seg_collate([train_sample(4, 6, fill=1.0),
                         train_sample(5, 3, fill=2.0)])
    img, seg = batch['img'], batch['gt_semantic_seg']
    assert img.shape == (2, 3, 5, 6) and seg.shape == (2, 1, 5, 6)
    assert (img[0, :, :4, :] == 1).all() and (img[0, :, 4:, :] == 0).all()
    assert (img[1, :, :, :3] == 2).all() and (img[1, :, :, 3:] == 0).all()
    assert (seg[0, :, :4] == 3).all() and (seg[0, :, 4:] == 255).all()
    assert (seg[1, :, :, :3] == 3).all() and (seg[1, :, :, 3:] == 255).all()


def test_test_batch_is_grouped_by_view():
    sizes = [(4, 6), (8, 12)]
    samples = [tta_sample(sizes, idx=i) for i in range(3)]
    batch = seg_collate(samples)
    assert [img.shape for img in batch['img']] == [(3, 3, 4, 6),
                                                   (3, 3, 8, 12)]
    assert torch.equal(batch['img'][1][2], samples[2]['img'][1])
    assert len(batch['img_metas']) == 2
    assert batch['img_metas'][1] == [dict(view=1, idx=i) for i in range(3)]
    assert batch['sample_idx'] == [0, 1, 2]


def test_test_views_of_different_images_are_padded():
    batch = seg_collate([tta_sample([(4, 6)]), tta_sample([(6, 4)], 1)])
    view = batch['img'][0]
    assert view.shape == (2, 3, 6, 6)
    assert (view[0, :, 4:] == 0).all() and (view[1, :, :, 4:] == 0).all()


def test_other_keys_become_lists():
    samples = [dict(train_sample(2, 2), note=f'n{i}',
                    sample_idx=np.int64(i)) for i in range(2)]
    batch = seg_collate(samples)
    assert batch['note'] == ['n0', 'n1']
    assert batch['sample_idx'] == [0, 1]
    assert all(type(i) is int for i in batch['sample_idx'])


def test_errors():
    with pytest.raises(ValueError, match='empty'):
        seg_collate([])
    with pytest.raises(ValueError, match='mixes training samples'):
        seg_collate([train_sample(2, 2), tta_sample([(2, 2)])])
    with pytest.raises(ValueError, match='2 augmented views.*has 1'):
        seg_collate([tta_sample([(2, 2)]), tta_sample([(2, 2), (4, 4)])])
    with pytest.raises(ValueError, match='sample 1 has keys'):
        seg_collate([train_sample(2, 2), dict(img=torch.zeros(3, 2, 2))])
    with pytest.raises(ValueError, match='more than height/width'):
        seg_collate([train_sample(2, 2),
                     dict(train_sample(2, 2), img=torch.zeros(1, 2, 2))])
    with pytest.raises(TypeError, match='DefaultFormatBundle'):
        seg_collate([dict(img=np.zeros((3, 2, 2)))])


def test_data_loader_with_real_pipelines():
    common = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
    norm = dict(type='Normalize', mean=[0, 0, 0], std=[1, 1, 1])
    train = Compose(common + [
        dict(type='Resize', img_scale=(64, 32), keep_ratio=False),
        dict(type='RandomFlip', prob=0.5), norm,
        dict(type='DefaultFormatBundle'),
        dict(type='Collect', keys=['img', 'gt_semantic_seg'])])
    test = Compose(common[:1] + [dict(
        type='MultiScaleFlipAug', img_scale=(64, 32), flip=True,
        transforms=[dict(type='Resize', keep_ratio=True),
                    dict(type='RandomFlip'), norm,
                    dict(type='ImageToTensor', keys=['img']),
                    dict(type='Collect', keys=['img'])])])

    def item(pipeline, idx):
        out = pipeline(dict(img_info=dict(filename='street.png'),
                            ann_info=dict(seg_map='street_label.png'),
                            img_prefix=str(DATA), seg_prefix=str(DATA),
                            seg_fields=[]))
        return dict(out, sample_idx=idx)

    np.random.seed(0)
    loader = DataLoader([item(train, i) for i in range(4)], batch_size=2,
                        collate_fn=seg_collate)
    batch = next(iter(loader))
    assert batch['img'].shape == (2, 3, 32, 64)
    assert batch['gt_semantic_seg'].shape == (2, 1, 32, 64)
    assert batch['sample_idx'] == [0, 1]
    batch = seg_collate([item(test, i) for i in range(2)])
    assert [img.shape for img in batch['img']] == [(2, 3, 32, 64)] * 2
    assert [[m['flip'] for m in view] for view in batch['img_metas']] == [
        [False, False], [True, True]]
