"""The 0.28 datasets added for compatibility: class lists, layouts and
label handling on tiny folders."""
import numpy as np
import pytest
from PIL import Image

from mmseg.core.evaluation import get_classes, get_palette
from mmseg.datasets import (
    ISPRSDataset,
    LoveDADataset,
    PascalContextDataset,
    PascalContextDataset59,
    PascalVOCDataset,
    PotsdamDataset,
    build_dataset,
    iSAIDDataset,
)


def write(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array.astype(np.uint8)).save(path)


def folder(root, names, img_suffix, seg_suffix, labels):
    for name, label in zip(names, labels):
        write(root / 'img' / f'{name}{img_suffix}',
              np.zeros((4, 4, 3)))
        write(root / 'ann' / f'{name}{seg_suffix}', label)


@pytest.mark.parametrize('name,cls,count,background', [
    ('pascal_context', PascalContextDataset, 60, 'background'),
    ('voc', PascalVOCDataset, 21, 'background'),
    ('loveda', LoveDADataset, 7, 'background'),
    ('potsdam', PotsdamDataset, 6, 'impervious_surface'),
    ('vaihingen', ISPRSDataset, 6, 'impervious_surface'),
    ('isaid', iSAIDDataset, 16, 'background'),
])
def test_class_lists(name, cls, count, background):
    assert list(cls.CLASSES) == get_classes(name)
    assert len(cls.CLASSES) == len(get_palette(name)) == count
    assert cls.CLASSES[0] == background


def test_class_aliases():
    assert get_classes('pascal_voc') == get_classes('voc12aug')
    assert get_classes('iSAID') == get_classes('isaid')
    assert get_classes('pascal_context')[1:] == \
        list(PascalContextDataset59.CLASSES)


def test_pascal_context_60_keeps_background(tmp_path):
    label = np.array([[0, 1], [59, 0]])
    folder(tmp_path, ['a'], '.jpg', '.png', [label])
    (tmp_path / 'split.txt').write_text('a\n')
    data = dict(pipeline=[], data_root=str(tmp_path), img_dir='img',
                ann_dir='ann', split='split.txt')
    ds60 = build_dataset(dict(type='PascalContextDataset', **data))
    ds59 = build_dataset(dict(type='PascalContextDataset59', **data))
    raw = ds60.get_gt_seg_map_by_idx(0)
    assert ds60._eval_label(raw, 'a').tolist() == [[0, 1], [59, 0]]
    assert ds59._eval_label(raw, 'a').tolist() == [[255, 0], [58, 255]]
    with pytest.raises(ValueError, match='split='):
        PascalContextDataset(split=None, pipeline=[], img_dir=str(tmp_path))
    with pytest.raises(ValueError, match='split='):
        PascalVOCDataset(split=None, pipeline=[], img_dir=str(tmp_path))


def test_isaid_label_names(tmp_path):
    names = ['P1_0_0', 'P2_0_0']
    folder(tmp_path, names, '.png', '_instance_color_RGB.png',
           [np.ones((4, 4)), np.zeros((4, 4))])
    ds = iSAIDDataset(pipeline=[], img_dir=str(tmp_path / 'img'),
                      ann_dir=str(tmp_path / 'ann'))
    assert [i['ann']['seg_map'] for i in ds.img_infos] == \
        [f'{n}_instance_color_RGB.png' for n in names]
    (tmp_path / 'val.txt').write_text('P2_0_0\n')
    infos = ds.load_annotations(str(tmp_path / 'img'), '.png',
                                str(tmp_path / 'ann'), '.png',
                                str(tmp_path / 'val.txt'))
    assert infos == [dict(filename='P2_0_0.png',
                          ann=dict(seg_map='P2_0_0_instance_color_RGB.png'))]


def test_loveda_reduces_zero_and_formats(tmp_path):
    folder(tmp_path, ['0', '1'], '.png', '.png',
           [np.array([[0, 1], [7, 3]]), np.full((2, 2), 2)])
    ds = LoveDADataset(pipeline=[], img_dir=str(tmp_path / 'img'),
                       ann_dir=str(tmp_path / 'ann'))
    raw = ds.get_gt_seg_map_by_idx(0)
    assert ds._eval_label(raw, '0').tolist() == [[255, 0], [6, 2]]
    preds = [np.array([[0, 6], [1, 2]]), np.zeros((2, 2))]
    files = ds.format_results(preds, str(tmp_path / 'out'))
    assert [p.rsplit('/', 1)[1] for p in files] == ['0.png', '1.png']
    assert np.array(Image.open(files[0])).tolist() == [[0, 6], [1, 2]]
    with pytest.raises(TypeError, match='list'):
        ds.format_results(preds[0], str(tmp_path / 'out'))
    potsdam = PotsdamDataset(pipeline=[], img_dir=str(tmp_path / 'img'),
                             ann_dir=str(tmp_path / 'ann'))
    assert potsdam.reduce_zero_label and len(potsdam) == 2
