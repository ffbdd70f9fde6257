"""0.28's drawing API: ``model.show_result`` and ``show_result_pyplot``."""
import matplotlib.pyplot as plt
import mmcv
import numpy as np
import pytest

from mmseg.apis import (
    inference_segmentor,
    init_segmentor,
    show_result_pyplot,
    single_gpu_test,
)
from mmseg.core.evaluation.class_names import (
    cityscapes_classes,
    cityscapes_palette,
)
from mmseg.datasets import build_dataloader, build_dataset
from mmseg.utils.legacy import MMDataParallel
from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC

IMAGE = str(REPO_ROOT / 'tests' / 'data' / 'street.png')


@pytest.fixture(scope='module')
def model():
    segmentor = init_segmentor(str(REPO_ROOT / QUICK_CAC))
    segmentor.CLASSES = tuple(cityscapes_classes())
    return segmentor


def expected_drawing(img, seg, palette, opacity):
    """0.28's formula: every pixel is mixed with its class colour (BGR)."""
    colors = np.asarray(palette, dtype=np.float64)[seg][..., ::-1]
    return (img * (1 - opacity) + colors * opacity).astype(np.uint8)


def test_show_result_returns_the_blend(model):
    result = inference_segmentor(model, IMAGE)
    assert result[0].shape == (64, 128)
    img = mmcv.imread(IMAGE)
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, (19, 3))
    seg = rng.integers(0, 19, (64, 128))
    with pytest.warns(UserWarning, match='only returned'):
        drawn = model.show_result(IMAGE, [seg], palette=palette,
                                  opacity=0.3)
    np.testing.assert_array_equal(drawn,
                                  expected_drawing(img, seg, palette, 0.3))
    with pytest.warns(UserWarning):
        full = model.show_result(img, [seg], palette=palette, opacity=1.0)
    np.testing.assert_array_equal(full[..., ::-1], palette[seg])
    # the model's result draws with the model's palette
    model.PALETTE = cityscapes_palette()
    try:
        with pytest.warns(UserWarning):
            drawn = model.show_result(img, result)
    finally:
        model.PALETTE = None
    np.testing.assert_array_equal(drawn, expected_drawing(
        img, result[0], cityscapes_palette(), 0.5))


def test_show_result_default_colours_are_fixed(model):
    img = mmcv.imread(IMAGE)
    seg = np.arange(64 * 128).reshape(64, 128) % 19
    state = np.random.get_state()
    with pytest.warns(UserWarning):
        first = model.show_result(img, [seg])
        second = model.show_result(img, [seg])
    np.testing.assert_array_equal(first, second)
    # numpy's global random state is left as it was
    assert np.random.get_state()[1].tolist() == state[1].tolist()
    colors = {tuple(first[r, c]) for r in range(2) for c in range(19)}
    assert len(colors) > 10  # one colour per class, not one for all


def test_show_result_writes_out_file_and_returns_none(model, tmp_path):
    img = mmcv.imread(IMAGE)
    seg = np.zeros((64, 128), dtype=np.int64)
    seg[:, 64:] = 13
    palette = cityscapes_palette()
    out = tmp_path / 'sub' / 'drawn.png'
    assert model.show_result(img, [seg], palette=palette,
                             out_file=str(out), opacity=0.6) is None
    np.testing.assert_array_equal(mmcv.imread(str(out)),
                                  expected_drawing(img, seg, palette, 0.6))


def test_show_result_rejects_bad_palette_and_opacity(model):
    img = mmcv.imread(IMAGE)
    seg = np.zeros((64, 128), dtype=np.int64)
    with pytest.raises(ValueError, match=r'expected \(19, 3\)'):
        model.show_result(img, [seg], palette=[[0, 0, 0]] * 3)
    with pytest.raises(ValueError, match='opacity'):
        model.show_result(img, [seg], palette=cityscapes_palette(),
                          opacity=0)


def test_show_result_pyplot_shows_and_writes(model, tmp_path):
    img = mmcv.imread(IMAGE)
    seg = np.zeros((64, 128), dtype=np.int64)
    seg[32:] = 10  # sky
    palette = cityscapes_palette()
    out = tmp_path / 'pyplot.png'
    plt.switch_backend('Agg')  # no window: plt.show returns at once
    plt.close('all')
    try:
        assert show_result_pyplot(model, IMAGE, [seg], palette=palette,
                                  fig_size=(4, 3), opacity=0.4,
                                  title='street', out_file=str(out)) is None
        figure = plt.gcf()
        (axes, ) = figure.axes
        assert axes.get_title() == 'street'
        assert tuple(figure.get_size_inches()) == (4, 3)
        expected = expected_drawing(img, seg, palette, 0.4)
        np.testing.assert_array_equal(axes.images[0].get_array(),
                                      expected[..., ::-1])  # RGB on screen
    finally:
        plt.close('all')
    np.testing.assert_array_equal(mmcv.imread(str(out)), expected)


def test_single_gpu_test_draws_into_out_dir(model, synthetic_root,
                                            tmp_path):
    cfg = model.cfg.data.test
    dataset = build_dataset(dict(cfg, data_root=str(synthetic_root)))
    loader = build_dataloader(dataset, 2, 0, dist=False, shuffle=False)
    out_dir = tmp_path / 'drawn'
    results = single_gpu_test(MMDataParallel(model), loader,
                              out_dir=str(out_dir), opacity=0.7)
    assert len(results) == len(dataset) == 4
    palette = dataset.PALETTE
    for info, result in zip(dataset.img_infos, results):
        img = mmcv.imread(str(synthetic_root / 'leftImg8bit' / 'val' /
                              info['filename']))
        np.testing.assert_array_equal(
            mmcv.imread(str(out_dir / info['filename'])),
            expected_drawing(img, result, palette, 0.7))
