import numpy as np
import pytest
import torch
from PIL import Image

from mmseg.core.evaluation import (
    eval_metrics,
    f_score,
    get_classes,
    get_palette,
    intersect_and_union,
    mean_dice,
    mean_fscore,
    mean_iou,
    pre_eval_to_metrics,
    total_intersect_and_union,
)
from tests.conftest import load_golden

ALL_METRICS = ['mIoU', 'mDice', 'mFscore']


def assert_metrics_equal(actual, expected, atol=1e-6):
    assert list(actual) == list(expected)
    for key, value in expected.items():
        value = np.asarray(value, dtype=np.float64)
        got = np.asarray(actual[key], dtype=np.float64)
        assert got.shape == value.shape, key
        np.testing.assert_array_equal(np.isnan(got), np.isnan(value),
                                      err_msg=key)
        np.testing.assert_allclose(got, value, atol=atol, rtol=0,
                                   err_msg=key)


def confusion_reference(preds, gts, num_classes, ignore_index):
    """Metrics from a confusion matrix, written independently."""
    conf = np.zeros((num_classes, num_classes), dtype=np.float64)
    for pred, gt in zip(preds, gts):
        keep = gt != ignore_index
        p, g = pred[keep], gt[keep]
        for gi, pi in zip(g.ravel(), p.ravel()):
            conf[gi, pi] += 1
    tp = np.diag(conf)
    with np.errstate(invalid='ignore', divide='ignore'):
        return dict(aAcc=tp.sum() / conf.sum(),
                    IoU=tp / (conf.sum(0) + conf.sum(1) - tp),
                    Acc=tp / conf.sum(1),
                    Dice=2 * tp / (conf.sum(0) + conf.sum(1)),
                    Precision=tp / conf.sum(0))


def test_golden_metrics_19():
    case = load_golden('metrics_19')
    result = eval_metrics(list(case['preds']), list(case['gts']),
                          case['num_classes'], case['ignore_index'],
                          metrics=ALL_METRICS)
    assert_metrics_equal(result, case['metrics'])
    assert np.ndim(result['aAcc']) == 0


def test_golden_metrics_19_from_pre_eval():
    case = load_golden('metrics_19')
    areas = [intersect_and_union(p, g, case['num_classes'],
                                 case['ignore_index'])
             for p, g in zip(case['preds'], case['gts'])]
    assert_metrics_equal(pre_eval_to_metrics(areas, ALL_METRICS),
                         case['metrics'])


def test_matches_confusion_matrix_reference():
    rng = np.random.default_rng(1)
    preds = [rng.integers(0, 5, (7, 9)) for _ in range(3)]
    gts = [rng.choice([0, 1, 2, 3, 255], (7, 9)) for _ in range(3)]
    result = eval_metrics(preds, gts, 5, 255, ['mIoU', 'mDice', 'mFscore'])
    ref = confusion_reference(preds, gts, 5, 255)
    for key in ('aAcc', 'IoU', 'Acc', 'Dice', 'Precision'):
        np.testing.assert_allclose(result[key], ref[key], equal_nan=True)
    np.testing.assert_allclose(result['Recall'], ref['Acc'], equal_nan=True)
    # class 4 is predicted but never labelled: IoU 0, accuracy NaN
    assert result['IoU'][4] == 0 and np.isnan(result['Acc'][4])


def test_intersect_and_union_by_hand():
    pred = np.array([[0, 0, 1], [1, 2, 2]])
    label = np.array([[0, 1, 1], [255, 2, 0]])
    inter, union, area_pred, area_label = intersect_and_union(
        pred, label, 4, 255)
    assert inter.tolist() == [1, 1, 1, 0]
    assert area_pred.tolist() == [2, 1, 2, 0]  # the ignored pixel is gone
    assert area_label.tolist() == [2, 2, 1, 0]
    assert union.tolist() == [3, 2, 2, 0]
    assert inter.dtype == torch.float32


def test_nan_to_num_and_key_order():
    pred = [np.array([[0, 1]])]
    gt = [np.array([[0, 0]])]
    raw = eval_metrics(pred, gt, 3, 255, ['mDice', 'mIoU'])
    assert list(raw) == ['aAcc', 'Dice', 'Acc', 'IoU']
    assert np.isnan(raw['IoU'][2]) and raw['IoU'][1] == 0
    filled = eval_metrics(pred, gt, 3, 255, ['mDice', 'mIoU'], nan_to_num=-1)
    assert filled['IoU'].tolist() == [0.5, 0.0, -1.0]
    assert filled['Acc'].tolist() == [0.5, -1.0, -1.0]


def test_reduce_zero_label_and_label_map():
    label = np.array([[0, 1, 2, 3, 255]], dtype=np.uint8)
    pred = np.array([[0, 0, 1, 2, 1]])
    reduced = intersect_and_union(pred, label, 3, 255,
                                  reduce_zero_label=True)
    expected = intersect_and_union(pred, np.array([[255, 0, 1, 2, 255]]), 3,
                                   255)
    for got, want in zip(reduced, expected):
        assert torch.equal(got, want)
    # label_map runs before the reduction; all pairs swap at once
    mapped = intersect_and_union(pred, label, 3, 255,
                                 label_map={1: 2, 2: 1},
                                 reduce_zero_label=True)
    expected = intersect_and_union(pred, np.array([[255, 1, 0, 2, 255]]), 3,
                                   255)
    for got, want in zip(mapped, expected):
        assert torch.equal(got, want)
    assert label.tolist() == [[0, 1, 2, 3, 255]]  # input left untouched


def test_dropped_class_in_uint8_label_is_ignored():
    label = np.array([[0, 1, 2]], dtype=np.uint8)
    areas = intersect_and_union(np.array([[0, 0, 1]]), label, 2, 255,
                                label_map={0: 0, 1: -1, 2: 1})
    assert areas[3].tolist() == [1, 1]  # the pixel of class 1 is gone
    assert areas[2].tolist() == [1, 1]


def test_out_of_range_label_keeps_0_28_semantics():
    # a label value >= num_classes is not ignored by eval_metrics itself:
    # its pixel still counts in the prediction area (datasets mask it)
    inter, union, area_pred, area_label = intersect_and_union(
        np.array([[0, 1]]), np.array([[0, 7]]), 2, 255)
    assert area_label.tolist() == [1, 0]
    assert area_pred.tolist() == [1, 1]
    assert union.tolist() == [1, 1]


def test_file_inputs_match_arrays(tmp_path):
    rng = np.random.default_rng(2)
    preds = [rng.integers(0, 4, (6, 5)) for _ in range(2)]
    gts = [rng.choice([0, 1, 2, 3, 255], (6, 5)).astype(np.uint8)
           for _ in range(2)]
    pred_files, gt_files = [], []
    for i, (pred, gt) in enumerate(zip(preds, gts)):
        pred_files.append(str(tmp_path / f'{i}.npy'))
        np.save(pred_files[-1], pred)
        gt_files.append(str(tmp_path / f'{i}.png'))
        Image.fromarray(gt).save(gt_files[-1])
    from_files = eval_metrics(pred_files, gt_files, 4, 255, ALL_METRICS)
    assert_metrics_equal(from_files,
                         eval_metrics(preds, gts, 4, 255, ALL_METRICS))


def test_wrappers_and_totals():
    rng = np.random.default_rng(3)
    preds = [rng.integers(0, 3, (4, 4)) for _ in range(2)]
    gts = [rng.integers(0, 3, (4, 4)) for _ in range(2)]
    assert list(mean_iou(preds, gts, 3, 255)) == ['aAcc', 'IoU', 'Acc']
    assert list(mean_dice(preds, gts, 3, 255)) == ['aAcc', 'Dice', 'Acc']
    assert list(mean_fscore(preds, gts, 3, 255)) == [
        'aAcc', 'Fscore', 'Precision', 'Recall']
    totals = total_intersect_and_union(preds, iter(gts), 3, 255)
    assert all(t.dtype == torch.float64 for t in totals)
    assert totals[3].sum() == 32


def test_fscore_beta():
    assert f_score(0.5, 1.0, beta=1) == pytest.approx(2 / 3)
    assert f_score(0.5, 1.0, beta=2) == pytest.approx(5 * 0.5 / 3)
    preds = [np.array([[0, 0, 1, 1]])]
    gts = [np.array([[0, 1, 1, 1]])]
    result = mean_fscore(preds, gts, 2, 255, beta=2)
    p, r = result['Precision'], result['Recall']
    np.testing.assert_allclose(result['Fscore'], 5 * p * r / (4 * p + r))


def test_errors():
    with pytest.raises(KeyError, match='mAP'):
        eval_metrics([np.zeros((2, 2))], [np.zeros((2, 2))], 2, 255,
                     metrics=['mIoU', 'mAP'])
    with pytest.raises(ValueError, match='shape'):
        intersect_and_union(np.zeros((2, 2)), np.zeros((2, 3)), 2, 255)
    with pytest.raises(ValueError, match='non-empty'):
        pre_eval_to_metrics([])


def test_class_names_and_palettes():
    expected = {'cityscapes': 19, 'ade20k': 150, 'pascal_context_59': 59,
                'coco_stuff164k': 171}
    for name, count in expected.items():
        assert len(get_classes(name)) == count
        palette = get_palette(name)
        assert len(palette) == count
        assert all(len(c) == 3 and all(0 <= v <= 255 for v in c)
                   for c in palette)
    assert get_classes('cityscapes')[:3] == ['road', 'sidewalk', 'building']
    assert get_palette('cityscapes')[0] == [128, 64, 128]
    assert get_classes('ade')[7] == 'bed '  # 0.28 spelling, kept
    assert get_classes('cocostuff')[-1] == 'wood'
    assert get_classes('pascal_context_59')[0] == 'aeroplane'
    with pytest.raises(ValueError, match='Unrecognized'):
        get_classes('not_a_benchmark')
    with pytest.raises(TypeError):
        get_palette(3)
