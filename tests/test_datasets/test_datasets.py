import copy
import os.path as osp
import warnings

import numpy as np
import pytest
import torch
from cityscapesscripts.helpers.labels import trainId2label
from PIL import Image
from torch.utils.data import DistributedSampler

from mmseg.core.evaluation import eval_metrics
from mmseg.datasets import (
    ADE20KDataset,
    CityscapesDataset,
    COCOStuffDataset,
    ConcatDataset,
    CustomDataset,
    MultiImageMixDataset,
    PascalContextDataset59,
    RepeatDataset,
    build_dataloader,
    build_dataset,
)
from mmseg.datasets import builder as builder_module
from mmseg.datasets.builder import expand_dataset_cfg
from mmseg.registry import DATASETS
from tests.helpers import read_show_figure

TRAIN_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.0),  # sets the flip keys Collect needs
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_semantic_seg']),
]
H, W = 8, 12
CITIES = {'train': {'aachen': 2, 'bochum': 1}, 'val': {'frankfurt': 2}}
# train id -> Cityscapes label id, as cityscapesscripts defines it
TRAIN_TO_LABEL_ID = {t: lab.id for t, lab in trainId2label.items()
                     if 0 <= t < 255}


def save_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path)


def train_ids(seed):
    """A label map with a few train ids and an ignored corner."""
    rng = np.random.default_rng(seed)
    label = rng.choice([0, 1, 2, 8, 10, 13, 18], size=(H, W))
    label[:2, :2] = 255
    return label


def to_label_ids(train_label):
    label = np.zeros_like(train_label)  # 255 -> 0 ('unlabeled')
    for train_id, label_id in TRAIN_TO_LABEL_ID.items():
        label[train_label == train_id] = label_id
    return label


@pytest.fixture
def cityscapes_root(tmp_path):
    """``leftImg8bit`` / ``gtFine`` folders with a few tiny frames."""
    root = tmp_path / 'cityscapes'
    seed = 0
    for split, cities in CITIES.items():
        for city, count in cities.items():
            for frame in range(count):
                stem = f'{city}_000000_{frame:06d}'
                rng = np.random.default_rng(seed)
                save_png(root / 'leftImg8bit' / split / city /
                         f'{stem}_leftImg8bit.png',
                         rng.integers(0, 256, (H, W, 3)))
                label = train_ids(seed)
                gt = root / 'gtFine' / split / city
                save_png(gt / f'{stem}_gtFine_labelTrainIds.png', label)
                save_png(gt / f'{stem}_gtFine_labelIds.png',
                         to_label_ids(label))
                # no object instances: instance ids equal label ids
                save_png(gt / f'{stem}_gtFine_instanceIds.png',
                         to_label_ids(label))
                seed += 1
    return root


def cityscapes(root, part='train', **kwargs):
    return CityscapesDataset(pipeline=TRAIN_PIPELINE, data_root=str(root),
                             img_dir=f'leftImg8bit/{part}',
                             ann_dir=f'gtFine/{part}', **kwargs)


def gt_maps(dataset):
    return [dataset.get_gt_seg_map_by_idx(i) for i in range(len(dataset))]


# ----------------------------------------------------------------- loading


def test_lengths_pairing_and_items(cityscapes_root):
    train = cityscapes(cityscapes_root)
    assert len(train) == 3 and len(cityscapes(cityscapes_root, 'val')) == 2
    assert [info['filename'] for info in train.img_infos] == [
        'aachen/aachen_000000_000000_leftImg8bit.png',
        'aachen/aachen_000000_000001_leftImg8bit.png',
        'bochum/bochum_000000_000000_leftImg8bit.png']
    assert train.img_infos[2]['ann']['seg_map'] == \
        'bochum/bochum_000000_000000_gtFine_labelTrainIds.png'

    item = train[1]
    assert item['sample_idx'] == 1
    assert item['img'].shape == (3, H, W)
    assert item['gt_semantic_seg'].shape == (1, H, W)
    np.testing.assert_array_equal(item['gt_semantic_seg'][0].numpy(),
                                  train_ids(1))
    assert item['img_metas']['ori_filename'] == train.img_infos[1][
        'filename']
    np.testing.assert_array_equal(train.get_gt_seg_map_by_idx(2),
                                  train_ids(2))
    assert len(list(train.get_gt_seg_maps())) == 3


def test_split_file_keeps_its_order(cityscapes_root):
    split = cityscapes_root / 'train_subset.txt'
    split.write_text('bochum/bochum_000000_000000\n'
                     'aachen/aachen_000000_000001\n\n')
    dataset = cityscapes(cityscapes_root, split='train_subset.txt')
    assert [info['filename'] for info in dataset.img_infos] == [
        'bochum/bochum_000000_000000_leftImg8bit.png',
        'aachen/aachen_000000_000001_leftImg8bit.png']
    np.testing.assert_array_equal(dataset.get_gt_seg_map_by_idx(1),
                                  train_ids(1))


def test_class_subset_remaps_labels(cityscapes_root):
    dataset = cityscapes(cityscapes_root, classes=('car', 'road'))
    assert dataset.CLASSES == ('car', 'road')
    assert dataset.PALETTE == [[0, 0, 142], [128, 64, 128]]
    assert dataset.label_map[13] == 0 and dataset.label_map[0] == 1
    assert dataset.label_map[1] == -1
    expected = np.full((H, W), 255)
    expected[train_ids(0) == 13] = 0
    expected[train_ids(0) == 0] = 1
    np.testing.assert_array_equal(dataset.get_gt_seg_map_by_idx(0),
                                  expected)
    np.testing.assert_array_equal(dataset[0]['gt_semantic_seg'][0].numpy(),
                                  expected)


def test_classes_from_file_and_palettes(cityscapes_root, tmp_path):
    names = tmp_path / 'classes.txt'
    names.write_text('sky\nroad\n')
    dataset = cityscapes(cityscapes_root, classes=str(names))
    assert list(dataset.CLASSES) == ['sky', 'road']
    assert dataset.PALETTE == [[70, 130, 180], [128, 64, 128]]
    with pytest.raises(ValueError, match='unicorn'):
        cityscapes(cityscapes_root, classes=['road', 'unicorn'])

    kwargs = dict(pipeline=[], img_dir=str(cityscapes_root / 'leftImg8bit'),
                  img_suffix='.png')
    state = np.random.get_state()[1].copy()
    first = CustomDataset(classes=['a', 'b'], **kwargs).PALETTE
    assert np.array_equal(np.random.get_state()[1], state)
    np.testing.assert_array_equal(
        first, CustomDataset(classes=['a', 'b'], **kwargs).PALETTE)
    assert np.asarray(first).shape == (2, 3)
    given = [[1, 2, 3], [4, 5, 6]]
    assert CustomDataset(classes=['a', 'b'], palette=given,
                         **kwargs).PALETTE == given
    assert CustomDataset(**kwargs).CLASSES is None


# -------------------------------------------------------------- evaluation


def test_evaluate_label_maps_equals_pre_eval(cityscapes_root, capsys):
    dataset = cityscapes(cityscapes_root, 'val')
    preds = gt_maps(dataset)
    preds[0] = np.where(preds[0] == 255, 0, preds[0])
    preds[1] = np.zeros((H, W), dtype=np.int64)  # all road
    metrics = ['mIoU', 'mDice', 'mFscore']

    from_maps = dataset.evaluate(preds, metric=metrics)
    areas = dataset.pre_eval(preds, indices=[0, 1])
    from_areas = dataset.evaluate(areas, metric=metrics)
    assert from_maps.keys() == from_areas.keys()
    for key, value in from_maps.items():
        assert value == pytest.approx(from_areas[key], nan_ok=True), key

    assert list(from_maps)[:7] == ['aAcc', 'mIoU', 'mAcc', 'mDice',
                                   'mFscore', 'mPrecision', 'mRecall']
    assert 'IoU.road' in from_maps and 'Recall.bicycle' in from_maps
    assert np.isnan(from_maps['IoU.wall'])  # never present
    direct = eval_metrics(preds, gt_maps(dataset), 19, 255, metrics)
    assert from_maps['IoU.road'] == pytest.approx(
        np.round(direct['IoU'][0] * 100, 2) / 100)
    assert from_maps['mIoU'] == pytest.approx(
        np.round(np.nanmean(direct['IoU']) * 100, 2) / 100)
    assert 0 < from_maps['mIoU'] < 1
    assert from_maps['aAcc'] * 100 == pytest.approx(
        round(from_maps['aAcc'] * 100, 2), abs=1e-9)  # 0.28 rounding

    out = capsys.readouterr().out
    assert 'per class results:' in out and 'Summary:' in out
    table_rows = [line for line in out.splitlines() if line.startswith('|')]
    header = table_rows[0].split('|')
    assert [h.strip() for h in header[1:-1]] == [
        'Class', 'IoU', 'Acc', 'Dice', 'Fscore', 'Precision', 'Recall']
    assert any('traffic sign' in row for row in table_rows)
    assert any('mIoU' in row and 'aAcc' in row for row in table_rows)


def test_evaluate_perfect_prediction(cityscapes_root):
    dataset = cityscapes(cityscapes_root, 'val')
    result = dataset.evaluate(gt_maps(dataset), logger='silent')
    assert result['aAcc'] == 1.0 and result['mIoU'] == 1.0
    assert result['IoU.car'] == 1.0 and np.isnan(result['IoU.bus'])
    assert list(result) == ['aAcc', 'mIoU', 'mAcc'] + [
        f'{m}.{c}' for m in ('IoU', 'Acc') for c in dataset.CLASSES]


def write_flat_dataset(root, labels, img_suffix='.jpg',
                       seg_map_suffix='.png', img_folder='img',
                       ann_folder='ann'):
    for i, label in enumerate(labels):
        save_png(root / img_folder / f'{i:03d}{img_suffix}',
                 np.full(label.shape + (3, ), 40 * i))
        save_png(root / ann_folder / f'{i:03d}{seg_map_suffix}', label)


def test_reduce_zero_label(tmp_path):
    labels = [np.array([[0, 1, 2], [3, 3, 255]])]
    write_flat_dataset(tmp_path, labels)
    dataset = CustomDataset(pipeline=[], data_root=str(tmp_path),
                            img_dir='img', ann_dir='ann',
                            reduce_zero_label=True, classes=('a', 'b', 'c'))
    pred = np.array([[2, 0, 1], [2, 0, 0]])
    inter, union, area_pred, area_label = dataset.pre_eval(pred, 0)[0]
    assert area_label.tolist() == [1, 1, 2]  # 0 and 255 ignored
    assert inter.tolist() == [1, 1, 1]
    assert area_pred.tolist() == [2, 1, 1]
    result = dataset.evaluate([pred], logger='silent')
    assert result['IoU.c'] == pytest.approx(0.5)


def test_out_of_range_labels_warn_once_and_are_ignored(tmp_path):
    labels = [np.array([[0, 1, 7], [0, 0, 1]]),
              np.array([[9, 1, 1], [1, 1, 1]])]
    write_flat_dataset(tmp_path, labels)
    dataset = CustomDataset(pipeline=[], data_root=str(tmp_path),
                            img_dir='img', ann_dir='ann', classes=('a', 'b'))
    preds = [np.array([[0, 1, 1], [0, 0, 1]]), np.ones((2, 3), np.int64)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        areas = dataset.pre_eval(preds, [0, 1])
        result = dataset.evaluate(preds, logger='silent')
    messages = [str(w.message) for w in caught
                if 'outside [0, 2)' in str(w.message)]
    assert len(messages) == 1
    assert '000.png' in messages[0] and '[7]' in messages[0]
    assert areas[0][2].tolist() == [3, 2]  # the pixel labelled 7 is out
    assert areas[1][3].tolist() == [0, 5]
    assert result['aAcc'] == 1.0 and result['mIoU'] == 1.0


def test_cityscapes_format_results_writes_label_ids(cityscapes_root,
                                                    tmp_path):
    dataset = cityscapes(cityscapes_root, 'val')
    preds = [np.arange(H * W).reshape(H, W) % 19 for _ in range(2)]
    files = dataset.format_results(preds, str(tmp_path / 'out'),
                                   indices=[1, 0])
    assert [osp.basename(f) for f in files] == [
        'frankfurt_000000_000001_leftImg8bit.png',
        'frankfurt_000000_000000_leftImg8bit.png']
    written = np.array(Image.open(files[0]))
    assert written[0, 0] == 7 and written[0, 1] == 8  # road, sidewalk
    assert written.flat[18] == 33  # bicycle
    np.testing.assert_array_equal(
        written, np.vectorize(TRAIN_TO_LABEL_ID.get)(preds[0]))
    raw = dataset.format_results(preds[:1], str(tmp_path / 'raw'),
                                 to_label_id=False, indices=[0])
    np.testing.assert_array_equal(np.array(Image.open(raw[0])), preds[0])


def test_cityscapes_official_evaluation(cityscapes_root, tmp_path):
    dataset = cityscapes(cityscapes_root, 'val')
    preds = gt_maps(dataset)
    preds = [np.where(p == 255, 0, p) for p in preds]
    result = dataset.evaluate(preds, metric=['cityscapes', 'mIoU'],
                              logger='silent')
    assert result['averageScoreClasses'] == pytest.approx(1.0)
    assert result['classScores']['road'] == pytest.approx(1.0)
    assert np.isnan(result['classScores']['bus'])
    assert {'averageScoreCategories', 'averageScoreInstClasses',
            'categoryScores', 'mIoU', 'IoU.road'} <= set(result)

    # files already written by format_results, as DatasetMetric passes them
    preds[1] = np.full((H, W), 2)  # all building
    prefix = str(tmp_path / 'submit')
    files = dataset.format_results(preds, prefix)
    by_files = dataset.evaluate(files, metric='cityscapes',
                                imgfile_prefix=prefix)
    assert by_files['averageScoreClasses'] < 1.0
    with pytest.raises(FileNotFoundError, match='missing.* does not exist'):
        dataset.evaluate(files, metric='cityscapes',
                         imgfile_prefix=str(tmp_path / 'missing'))
    # a split evaluates its own frames only
    (cityscapes_root / 'one.txt').write_text(
        'frankfurt/frankfurt_000000_000001\n')
    subset = cityscapes(cityscapes_root, 'val', split='one.txt')
    perfect = [np.where(g == 255, 0, g) for g in gt_maps(subset)]
    assert subset.evaluate(perfect, metric='cityscapes')[
        'averageScoreClasses'] == pytest.approx(1.0)

    partial = dataset.format_results(preds[:1], str(tmp_path / 'partial'),
                                     indices=[0])
    with pytest.raises(FileNotFoundError,
                       match="no prediction 'frankfurt_000000_000001"):
        dataset.evaluate(partial, metric='cityscapes')


# ---------------------------------------------------- benchmark datasets


def test_ade20k_layout_and_format(tmp_path):
    labels = [np.array([[0, 1, 150], [2, 2, 2]]), np.full((2, 3), 2)]
    write_flat_dataset(tmp_path, labels, img_folder='images/validation',
                       ann_folder='annotations/validation')
    dataset = ADE20KDataset(pipeline=[], data_root=str(tmp_path),
                            img_dir='images/validation',
                            ann_dir='annotations/validation')
    assert len(dataset) == 2 and len(dataset.CLASSES) == 150
    assert dataset.reduce_zero_label
    areas = dataset.pre_eval(np.array([[5, 0, 149], [1, 1, 1]]), 0)[0]
    assert areas[3].sum() == 5  # label 0 is ignored
    assert areas[0][[0, 1, 149]].tolist() == [1, 3, 1]
    files = dataset.format_results([np.array([[0, 149, 3], [0, 0, 0]])],
                                   str(tmp_path / 'out'), indices=[1])
    assert osp.basename(files[0]) == '001.png'
    assert np.array(Image.open(files[0])).tolist() == [[1, 150, 4],
                                                       [1, 1, 1]]


def test_pascal_context_59_needs_split(tmp_path):
    write_flat_dataset(tmp_path, [np.array([[0, 59], [1, 1]])] * 3,
                       img_folder='JPEGImages',
                       ann_folder='SegmentationClassContext')
    (tmp_path / 'val.txt').write_text('002\n000\n')
    dataset = PascalContextDataset59(
        pipeline=[], data_root=str(tmp_path), img_dir='JPEGImages',
        ann_dir='SegmentationClassContext', split='val.txt')
    assert len(dataset) == 2 and len(dataset.CLASSES) == 59
    assert dataset.img_infos[0]['filename'] == '002.jpg'
    inter = dataset.pre_eval(np.array([[3, 58], [0, 0]]), 0)[0][0]
    assert inter[58] == 1 and inter[0] == 2 and inter.sum() == 3
    with pytest.raises(ValueError, match='split'):
        PascalContextDataset59(pipeline=[], split=None,
                               img_dir=str(tmp_path / 'JPEGImages'))


def test_coco_stuff_suffixes(tmp_path):
    write_flat_dataset(tmp_path, [np.array([[0, 170, 255], [1, 1, 1]])] * 2,
                       seg_map_suffix='_labelTrainIds.png')
    dataset = COCOStuffDataset(pipeline=[], img_dir=str(tmp_path / 'img'),
                               ann_dir=str(tmp_path / 'ann'))
    assert len(dataset) == 2 and len(dataset.CLASSES) == 171
    assert dataset.img_infos[1]['ann']['seg_map'] == '001_labelTrainIds.png'


def test_show_prediction(cityscapes_root, tmp_path):
    dataset = cityscapes(cityscapes_root, 'val')
    pred = np.zeros((H, W), dtype=np.int64)
    pred[0, 0] = 5  # pole: shown only in the prediction
    path = dataset.show_prediction(0, pred, str(tmp_path / 'show'),
                                   opacity=1.0)
    assert path.endswith('frankfurt/frankfurt_000000_000000_leftImg8bit.png')
    figure = np.array(Image.open(path))  # RGB
    gt = dataset.get_gt_seg_map_by_idx(0)
    palette = np.array(dataset.PALETTE)
    parts = read_show_figure(figure, gt, palette)
    assert figure.shape[1] == 2 * W  # prediction | ground truth
    np.testing.assert_array_equal(parts['panels'][0], palette[pred])
    # both titles are drawn in black on white
    titles = parts['titles']
    assert titles.shape[0] > 0
    for half in (titles[:, :W], titles[:, W:]):
        assert (half == 0).all(axis=-1).any()
    # one swatch per class of either map, in its palette colour
    shown = set(np.unique(pred)) | set(np.unique(gt[gt != 255]))
    assert parts['legend_colors'] == {tuple(palette[c]) for c in shown}

    no_gt = cityscapes(cityscapes_root, 'val')
    no_gt.ann_dir = None
    single = no_gt.show_prediction(0, np.zeros((H, W), dtype=np.int64),
                                   str(tmp_path / 'single'))
    assert np.array(Image.open(single)).shape[1] == W


# ---------------------------------------------------------------- wrappers


def dataset_cfg(root, part, **kwargs):
    return dict(type='CityscapesDataset', pipeline=TRAIN_PIPELINE,
                data_root=str(root), img_dir=f'leftImg8bit/{part}',
                ann_dir=f'gtFine/{part}', **kwargs)


def test_concat_dataset(cityscapes_root):
    concat = build_dataset([dataset_cfg(cityscapes_root, 'train'),
                            dataset_cfg(cityscapes_root, 'val')])
    assert isinstance(concat, ConcatDataset) and len(concat) == 5
    assert concat.CLASSES == CityscapesDataset.CLASSES
    assert concat.PALETTE == CityscapesDataset.PALETTE
    assert concat[4]['sample_idx'] == 4
    assert concat.get_dataset_idx_and_sample_idx(-1) == (1, 1)

    same = build_dataset(dict(
        dataset_cfg(cityscapes_root, 'train'),
        img_dir=['leftImg8bit/train', 'leftImg8bit/val'],
        ann_dir=['gtFine/train', 'gtFine/val'], separate_eval=False))
    assert isinstance(same, ConcatDataset) and len(same) == 5
    assert not same.separate_eval

    gts = [concat.datasets[d].get_gt_seg_map_by_idx(i)
           for d, i in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]]
    preds = [np.where(g == 255, 0, g) for g in gts]
    preds[3] = np.zeros((H, W), dtype=np.int64)
    separate = concat.evaluate(preds, logger='silent')
    assert separate['0_mIoU'] == 1.0 and separate['1_mIoU'] < 1.0
    together = same.evaluate(preds, logger='silent')
    whole = concat.datasets[0].evaluate(
        same.pre_eval(preds, list(range(5))), logger='silent')
    assert together == pytest.approx(whole, nan_ok=True)
    assert set(concat.pre_eval(preds[3], 3)[0][3].tolist()) != {0}
    shown = concat.show_prediction(4, preds[4], str(cityscapes_root / 'vis'))
    assert shown.endswith(osp.join('vis', '1', 'frankfurt',
                                   'frankfurt_000000_000001_leftImg8bit.png'))


def test_repeat_dataset(cityscapes_root):
    repeat = build_dataset(dict(type='RepeatDataset', times=3,
                                dataset=dataset_cfg(cityscapes_root, 'val')))
    assert isinstance(repeat, RepeatDataset) and len(repeat) == 6
    assert repeat.CLASSES == CityscapesDataset.CLASSES
    item = repeat[5]
    assert item['sample_idx'] == 5
    assert torch.equal(item['img'], repeat.dataset[1]['img'])


def test_expand_dataset_cfg_writes_the_shorthand_as_wrappers():
    part = dict(type='CityscapesDataset', img_dir='a', ann_dir='b')
    listed = [part, dict(part, img_dir='c')]
    before = copy.deepcopy(listed)
    assert expand_dataset_cfg(listed) == dict(
        type='ConcatDataset', datasets=before)
    assert listed == before  # pure
    split = expand_dataset_cfg(dict(part, img_dir=['a', 'c'],
                                    ann_dir=['b', 'd'], separate_eval=False))
    assert split == dict(type='ConcatDataset', separate_eval=False,
                         datasets=[part, dict(part, img_dir='c',
                                              ann_dir='d')])
    repeat = expand_dataset_cfg(dict(type='RepeatDataset', times=2,
                                     dataset=listed))
    assert repeat['dataset'] == dict(type='ConcatDataset', datasets=before)
    assert expand_dataset_cfg(part) == part
    with pytest.raises(ValueError, match='equal lengths'):
        expand_dataset_cfg(dict(part, img_dir=['a'], ann_dir=['b', 'd']))


def test_registry_builds_expanded_shorthand_and_mixed_dataset_cfg(
        cityscapes_root):
    cfg = dict(type='RepeatDataset', times=2, dataset=[
        dataset_cfg(cityscapes_root, 'train'),
        dataset_cfg(cityscapes_root, 'val')])
    built = DATASETS.build(expand_dataset_cfg(cfg))
    assert isinstance(built, RepeatDataset) and len(built) == 10
    assert isinstance(built.dataset, ConcatDataset)
    mixed_cfg = dict(type='MultiImageMixDataset',
                     dataset=dataset_cfg(cityscapes_root, 'val'),
                     pipeline=[])
    for mixed in (build_dataset(mixed_cfg), DATASETS.build(mixed_cfg)):
        assert isinstance(mixed, MultiImageMixDataset) and len(mixed) == 2
        assert mixed.CLASSES == CityscapesDataset.CLASSES


def test_build_dataloader_single_process(cityscapes_root):
    dataset = cityscapes(cityscapes_root)
    loader = build_dataloader(dataset, samples_per_gpu=2, workers_per_gpu=0,
                              dist=False, shuffle=False, seed=3,
                              pin_memory=False)
    batch = next(iter(loader))
    assert batch['img'].shape == (2, 3, H, W)
    assert batch['gt_semantic_seg'].shape == (2, 1, H, W)
    assert batch['sample_idx'] == [0, 1]
    assert len(loader) == 2


def test_build_dataloader_distributed(cityscapes_root, monkeypatch):
    dataset = cityscapes(cityscapes_root)
    shards = []
    for rank in (0, 1):
        monkeypatch.setattr(builder_module, 'get_dist_info',
                            lambda rank=rank: (rank, 2))
        loader = build_dataloader(dataset, samples_per_gpu=1,
                                  workers_per_gpu=2, seed=10,
                                  pin_memory=False)
        assert isinstance(loader.sampler, DistributedSampler)
        assert loader.sampler.rank == rank
        assert loader.sampler.num_replicas == 2
        assert loader.batch_size == 1 and loader.num_workers == 2
        shards.append(list(loader.sampler))
        # worker seed = seed + worker_id + rank * num_workers
        loader.worker_init_fn(1)
        expected = np.random.RandomState(10 + 1 + rank * 2).rand()
        assert np.random.rand() == expected
    assert len(shards[0]) == len(shards[1]) == 2  # 3 items, padded to 4
    assert set(shards[0]) | set(shards[1]) == {0, 1, 2}


# ------------------------------------------------------------------ errors


def test_missing_data_root(tmp_path):
    with pytest.raises(FileNotFoundError, match="data_root '.*nowhere'"):
        CityscapesDataset(pipeline=[], data_root=str(tmp_path / 'nowhere'),
                          img_dir='leftImg8bit/train')


def test_missing_or_empty_img_dir(cityscapes_root):
    with pytest.raises(FileNotFoundError, match="img_dir '.*leftImg9bit"):
        CityscapesDataset(pipeline=[], data_root=str(cityscapes_root),
                          img_dir='leftImg9bit/train')
    with pytest.raises(FileNotFoundError, match=r"holds no '\*\.jpg'"):
        CustomDataset(pipeline=[], data_root=str(cityscapes_root),
                      img_dir='leftImg8bit/train')


def test_missing_annotation(cityscapes_root):
    missing = (cityscapes_root / 'gtFine/train/bochum' /
               'bochum_000000_000000_gtFine_labelTrainIds.png')
    missing.unlink()
    with pytest.raises(FileNotFoundError) as error:
        cityscapes(cityscapes_root)
    message = str(error.value)
    assert 'bochum_000000_000000_leftImg8bit.png' in message
    assert str(missing) in message and '2 ' in message
    with pytest.raises(FileNotFoundError, match="ann_dir '.*gtCoarse"):
        CityscapesDataset(pipeline=[], data_root=str(cityscapes_root),
                          img_dir='leftImg8bit/val', ann_dir='gtCoarse/val')


def test_bad_split_file(cityscapes_root):
    with pytest.raises(FileNotFoundError, match="split file '.*nope.txt'"):
        cityscapes(cityscapes_root, split='nope.txt')
    (cityscapes_root / 'bad.txt').write_text('aachen/aachen_000000_000009\n')
    with pytest.raises(FileNotFoundError, match='aachen_000000_000009'):
        cityscapes(cityscapes_root, split='bad.txt')


def test_corrupt_image_names_its_path(cityscapes_root):
    dataset = cityscapes(cityscapes_root, 'val')
    bad = (cityscapes_root / 'leftImg8bit/val/frankfurt' /
           'frankfurt_000000_000001_leftImg8bit.png')
    bad.write_bytes(b'not a png')
    with pytest.raises(Exception, match='frankfurt_000000_000001'):
        dataset[1]


def test_other_misuse(cityscapes_root):
    with pytest.raises(ValueError, match='classes'):
        CustomDataset(pipeline=[], img_dir=str(cityscapes_root),
                      img_suffix='.png', test_mode=True)
    dataset = CustomDataset(pipeline=[], img_dir=str(cityscapes_root),
                            img_suffix='.png', classes=['a'])
    with pytest.raises(NotImplementedError):
        dataset.format_results([], 'out')
    with pytest.raises(KeyError, match='mAP'):
        dataset.evaluate([np.zeros((1, 1))], metric='mAP')
