"""0.28's everyday tools: browse_dataset.py, confusion_matrix.py and the
image and video demos, on synthetic data and a randomly initialised tiny
model."""
import pickle

import cv2
import mmcv
import numpy as np
import pytest
import torch

from mmseg.apis import inference_segmentor, init_segmentor
from mmseg.core.evaluation import get_palette
from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC, load_tool, run_tool

pytestmark = pytest.mark.xdist_group('everyday_tools')
STREET = str(REPO_ROOT / 'tests' / 'data' / 'street.png')
MPL = dict(MPLBACKEND='Agg')


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory) -> str:
    """The tiny CAC model's random initialisation as a checkpoint."""
    torch.manual_seed(0)
    model = init_segmentor(str(REPO_ROOT / QUICK_CAC))
    path = tmp_path_factory.mktemp('everyday') / 'random.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return str(path)


def data_options(root) -> list:
    return ['--cfg-options'] + [f'data.{split}.data_root={root}'
                                for split in ('train', 'val', 'test')]


def test_browse_dataset_draws_pipeline_outputs(synthetic_root, tmp_path):
    out = run_tool(['python', 'tools/browse_dataset.py', QUICK_CAC,
                    '--output-dir', str(tmp_path), '--num', '3',
                    *data_options(synthetic_root)]).stdout
    assert f'wrote 3 images to {tmp_path}' in out
    images = sorted(tmp_path.glob('*.png'))
    assert len(images) == 3
    drawn = mmcv.imread(str(images[0]))
    # two 192x192 crops side by side under their titles, a legend below
    assert drawn.shape[1] == 2 * 192 and drawn.shape[0] > 192


def test_browse_dataset_origin_keeps_the_loaded_size(synthetic_root,
                                                     tmp_path):
    run_tool(['python', 'tools/browse_dataset.py', QUICK_CAC,
              '--output-dir', str(tmp_path), '--num', '1', '--show-origin',
              *data_options(synthetic_root)])
    (image, ) = tmp_path.glob('*.png')
    assert mmcv.imread(str(image)).shape[1] == 2 * 256


def test_confusion_matrix_from_test_py_predictions(checkpoint,
                                                   synthetic_root, tmp_path):
    preds_file = tmp_path / 'preds.pkl'
    run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint, '--out',
              str(preds_file), '--work-dir', str(tmp_path / 'work'),
              *data_options(synthetic_root)])
    out = run_tool(['python', 'tools/confusion_matrix.py', QUICK_CAC,
                    str(preds_file), str(tmp_path / 'cm'),
                    *data_options(synthetic_root)], env=MPL).stdout
    assert 'confusion_matrix.png' in out
    assert (tmp_path / 'cm' / 'confusion_matrix.png').stat().st_size > 0
    matrix = np.load(tmp_path / 'cm' / 'confusion_matrix.npy')
    with open(preds_file, 'rb') as f:
        preds = pickle.load(f)
    labels = [np.asarray(mmcv.imread(str(p), flag='unchanged'))
              for p in sorted((synthetic_root / 'gtFine' / 'val').rglob(
                  '*_labelTrainIds.png'))]
    assert matrix.shape == (19, 19)
    valid = sum(int((label < 19).sum()) for label in labels)
    assert matrix.sum() == valid
    # the diagonal is the correctly predicted pixels
    correct = sum(int(((p == g) & (g < 19)).sum())
                  for p, g in zip(preds, labels))
    assert np.trace(matrix) == correct


def test_confusion_matrix_counts_pixel_pairs():
    tool = load_tool('confusion_matrix.py')
    pred = np.array([[0, 1], [1, 1]])
    gt = np.array([[0, 0], [1, 255]])
    np.testing.assert_array_equal(
        tool.confusion_matrix([pred], [gt], 2), [[1, 1], [0, 1]])
    # stored 0 is void with reduce_zero_label: 1 -> class 0, 2 -> class 1
    np.testing.assert_array_equal(
        tool.confusion_matrix([pred], [gt + 1], 2, reduce_zero_label=True),
        [[1, 1], [0, 1]])


def test_image_demo_writes_the_drawing(checkpoint, tmp_path):
    out_file = tmp_path / 'street_seg.png'
    out = run_tool(['python', 'demo/image_demo.py', STREET, QUICK_CAC,
                    checkpoint, '--out-file', str(out_file),
                    '--opacity', '1'], env=MPL).stdout
    assert f'wrote {out_file}' in out
    drawn = mmcv.imread(str(out_file))
    model = init_segmentor(str(REPO_ROOT / QUICK_CAC), checkpoint)
    label = inference_segmentor(model, STREET)[0]
    assert drawn.shape[:2] == label.shape
    # opacity 1: every pixel is its class colour (RGB palette, BGR image)
    palette = np.array(get_palette('cityscapes'))[:, ::-1]
    np.testing.assert_array_equal(drawn, palette[label])


def test_video_demo_segments_every_frame(checkpoint, tmp_path):
    video = tmp_path / 'street.avi'
    frame = mmcv.imread(STREET)
    height, width = frame.shape[:2]
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'),
                             5, (width, height))
    for shift in range(3):
        writer.write(np.roll(frame, 8 * shift, axis=1))
    writer.release()
    out_file = tmp_path / 'street_seg.avi'
    out = run_tool(['python', 'demo/video_demo.py', str(video), QUICK_CAC,
                    checkpoint, '--output-file', str(out_file),
                    '--output-height', '64', '--output-width', '96'
                    ]).stdout
    assert f'3 frames written to {out_file}' in out
    capture = cv2.VideoCapture(str(out_file))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    assert len(frames) == 3 and frames[0].shape == (64, 96, 3)


def test_video_demo_needs_an_output(checkpoint):
    result = run_tool(['python', 'demo/video_demo.py', 'x.avi', QUICK_CAC,
                       checkpoint], check=False)
    assert result.returncode == 2 and '--output-file or --show' in \
        result.stderr
