"""Cityscapes test-server export and multi-scale testing with the tools."""
import glob
import os
import zipfile

import mmengine
import numpy as np
import pytest
from cityscapesscripts.helpers.labels import id2label
from PIL import Image

from mmseg.apis import AUG_TEST_RATIOS, configure_aug_test
from mmseg.datasets import CityscapesDataset
from tests.runs import (
    QUICK_CAC,
    free_port,
    run_tool,
    small_run_options,
)

# one worker runs the module, so its module fixture is made once
pytestmark = pytest.mark.xdist_group('export_and_tta')

TEST_SPLIT = ['data.test.img_dir=leftImg8bit/test',
              'data.test.ann_dir=gtFine/test']


@pytest.fixture(scope='module')
def checkpoint(synthetic_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('export_train')
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(work_dir), '--no-validate', '--seed', '0',
              *small_run_options(synthetic_root, 4)])
    return str(work_dir / 'latest.pth')


def label_ids_to_train_ids(label_ids: np.ndarray) -> np.ndarray:
    lut = np.full(256, 255, dtype=np.uint8)
    for label_id, label in id2label.items():
        if 0 <= label_id < 256 and label.trainId not in (-1, 255):
            lut[label_id] = label.trainId
    return lut[label_ids]


def export(checkpoint, root, out_dir, tmp_path, procs=1):
    opts = small_run_options(root, 4)
    opts += TEST_SPLIT
    common = ['--format-only', '--eval-options',
              f'imgfile_prefix={out_dir}', '--work-dir', str(tmp_path),
              *opts]
    if procs == 1:
        return run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint,
                         '--out', str(tmp_path / 'preds.pkl'), *common])
    return run_tool(['bash', 'tools/dist_test.sh', QUICK_CAC, checkpoint,
                     str(procs), *common], env=dict(PORT=str(free_port())))


def test_export_round_trips_and_is_zipped(checkpoint, synthetic_root,
                                          tmp_path):
    out_dir = tmp_path / 'server'
    export(checkpoint, synthetic_root, out_dir, tmp_path)
    preds = mmengine.load(tmp_path / 'preds.pkl')
    images = sorted(glob.glob(str(
        synthetic_root / 'leftImg8bit/test/*/*_leftImg8bit.png')))
    assert len(preds) == len(images) == 4
    for pred, image in zip(preds, images):
        written = np.array(Image.open(out_dir / os.path.basename(image)))
        assert written.shape == pred.shape
        # written files hold Cityscapes label ids, e.g. road 7, car 26
        assert set(np.unique(written)) <= set(id2label)
        np.testing.assert_array_equal(label_ids_to_train_ids(written), pred)
    with zipfile.ZipFile(f'{out_dir}.zip') as archive:
        assert sorted(archive.namelist()) == sorted(
            os.path.basename(p) for p in images)


def test_distributed_export_writes_the_same_files(checkpoint,
                                                  synthetic_root, tmp_path):
    single, dist = tmp_path / 'single', tmp_path / 'dist'
    export(checkpoint, synthetic_root, single, tmp_path / 'a')
    export(checkpoint, synthetic_root, dist, tmp_path / 'b', procs=2)
    names = sorted(os.listdir(single))
    assert names == sorted(os.listdir(dist)) and len(names) == 4
    for name in names:
        np.testing.assert_array_equal(np.array(Image.open(single / name)),
                                      np.array(Image.open(dist / name)))


def test_format_only_without_prefix_is_a_one_line_error(checkpoint,
                                                        synthetic_root):
    result = run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint,
                       '--format-only',
                       *small_run_options(synthetic_root, 4)], check=False)
    assert result.returncode == 2
    assert result.stderr.strip().count('\n') == 0
    assert 'imgfile_prefix' in result.stderr


# cityscapesscripts' evaluator, run as its own main() does: it finds the
# ground truth through CITYSCAPES_DATASET (gtFine/val), the predictions
# through CITYSCAPES_RESULTS, writes CITYSCAPES_EXPORT_DIR's JSON and keeps
# its settings in module globals, hence its own process. numpy 2.4 removed
# in1d, which cityscapesscripts 2.3 calls.
OFFICIAL_EVAL = """
import sys
import numpy as np
if not hasattr(np, 'in1d'):
    np.in1d = lambda a, b, assume_unique=False, invert=False: np.isin(
        a, b, assume_unique=assume_unique, invert=invert).ravel()
sys.argv = sys.argv[:1]
from cityscapesscripts.evaluation import evalPixelLevelSemanticLabeling
evalPixelLevelSemanticLabeling.main()
"""


def run_official_evaluator(root, predictions, tmp_path) -> dict:
    export_dir = tmp_path / 'official'
    export_dir.mkdir()
    run_tool(['python', '-c', OFFICIAL_EVAL], env=dict(
        CITYSCAPES_DATASET=str(root), CITYSCAPES_RESULTS=str(predictions),
        CITYSCAPES_EXPORT_DIR=str(export_dir)))
    return mmengine.load(export_dir / 'resultPixelLevelSemanticLabeling.json')


def test_official_evaluator_agrees_with_miou(checkpoint, synthetic_root,
                                             tmp_path):
    """cityscapesscripts on the exported val predictions, with instance
    scores (the synthetic data has *_gtFine_instanceIds.png), gives the
    per-class IoU of --eval mIoU."""
    exported = tmp_path / 'val_label_ids'
    opts = small_run_options(synthetic_root, 4)
    run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint,
              '--format-only', '--eval-options',
              f'imgfile_prefix={exported}', '--work-dir',
              str(tmp_path / 'export'), *opts])
    # the README's command: mIoU and the in-process official evaluation
    run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint, '--eval',
              'mIoU', 'cityscapes', '--eval-options',
              f'imgfile_prefix={tmp_path / "eval_ids"}', '--work-dir',
              str(tmp_path / 'eval'), *opts])
    (eval_json, ) = glob.glob(str(tmp_path / 'eval' / 'eval_*.json'))
    ours = mmengine.load(eval_json)['metric']
    official = run_official_evaluator(synthetic_root, exported, tmp_path)
    assert len(official['classInstScores']) > 0  # instance ids were read
    names = [name for name in official['classScores']
             if f'IoU.{name}' in ours]
    assert len(names) == 19
    scores = np.array([official['classScores'][n] for n in names])
    np.testing.assert_allclose(
        scores, [ours[f'IoU.{n}'] for n in names], atol=1e-4)
    assert np.isfinite(scores).sum() >= 3  # classes seen in the val images
    assert (scores[np.isfinite(scores)] > 0).any()
    for key in ('classScores', 'classInstScores'):
        np.testing.assert_allclose(
            [ours[key][n] for n in names],
            [official[key][n] for n in names], atol=1e-12)


def test_official_evaluator_agrees_on_varied_predictions(synthetic_root,
                                                         tmp_path):
    """The same on predictions that get every class partly right: the
    ground truth with blocks of each image relabelled."""
    dataset = CityscapesDataset(
        pipeline=[], data_root=str(synthetic_root),
        img_dir='leftImg8bit/val', ann_dir='gtFine/val')
    rng = np.random.default_rng(0)
    preds = []
    for index in range(len(dataset)):
        pred = dataset.get_gt_seg_map_by_idx(index).astype(np.int64)
        pred[pred == 255] = 0
        for _ in range(6):
            y, x = rng.integers(0, 96), rng.integers(0, 224)
            pred[y:y + 32, x:x + 32] = rng.integers(0, 19)
        preds.append(pred)
    dataset.format_results(preds, str(tmp_path / 'preds'))
    ours = dataset.evaluate(preds, metric='mIoU', logger='silent')
    official = run_official_evaluator(synthetic_root, tmp_path / 'preds',
                                      tmp_path)
    names = dataset.CLASSES
    scores = np.array([official['classScores'][n] for n in names])
    assert (scores[np.isfinite(scores)] > 0.5).sum() >= 8
    np.testing.assert_allclose(scores, [ours[f'IoU.{n}'] for n in names],
                               atol=1e-4)


@pytest.mark.parametrize('dataset_type, ratios', [
    ('CityscapesDataset', [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]),
    ('ADE20KDataset', [0.5, 0.75, 1.0, 1.25, 1.5, 1.75]),
    ('PascalContextDataset59', [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]),
    ('COCOStuffDataset', [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]),
])
def test_aug_test_ratios_per_dataset_type(dataset_type, ratios):
    assert AUG_TEST_RATIOS[dataset_type] == ratios
    test_data = dict(type=dataset_type, pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='MultiScaleFlipAug', img_scale=(2048, 512), flip=False,
             transforms=[])])
    assert configure_aug_test(test_data) == ratios
    assert test_data['pipeline'][1]['img_ratios'] == ratios
    assert test_data['pipeline'][1]['flip'] is True


def test_aug_ratios_override_and_unknown_dataset():
    test_data = dict(type='MyDataset', pipeline=[
        dict(type='MultiScaleFlipAug', img_scale=(64, 32), flip=False,
             transforms=[])])
    with pytest.raises(KeyError, match='--aug-ratios'):
        configure_aug_test(test_data)
    assert configure_aug_test(test_data, [1, 1.5]) == [1.0, 1.5]


def test_aug_test_tool_writes_multi_scale_metrics(checkpoint,
                                                  synthetic_root, tmp_path):
    result = run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint,
                       '--eval', 'mIoU', '--aug-test', '--work-dir',
                       str(tmp_path), *small_run_options(synthetic_root, 4)])
    assert '[0.5, 0.75, 1.0, 1.25, 1.5, 1.75]' in result.stdout
    (path, ) = glob.glob(str(tmp_path / 'eval_multi_scale_*.json'))
    assert 0 <= mmengine.load(path)['metric']['mIoU'] <= 1
