"""Synthetic dataset generators and the dataset converters."""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cityscapesscripts.helpers.annotation import Annotation
from cityscapesscripts.helpers.labels import id2label, name2label
from cityscapesscripts.preparation.json2instanceImg import (
    createInstanceImage,
)
from cityscapesscripts.preparation.json2labelImg import json2labelImg
from PIL import Image

from mmseg.datasets import synthetic
from tests.runs import load_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
CONVERTERS = REPO_ROOT / 'tools' / 'convert_datasets'
SMALL = (64, 128)


def read(path) -> np.ndarray:
    return np.asarray(Image.open(path))


def cityscapes_files(root: Path, split: str, stem: str) -> dict:
    """Paths of one image's files; ``stem`` is ``city/city_seq_frame``."""
    city, name = stem.split('/')
    gt = root / 'gtFine' / split / city
    suffixes = dict(ids='labelIds.png', train_ids='labelTrainIds.png',
                    instance_ids='instanceIds.png', color='color.png',
                    polygons='polygons.json')
    files = {k: gt / f'{name}_gtFine_{v}' for k, v in suffixes.items()}
    files['image'] = root / 'leftImg8bit' / split / city / (
        name + '_leftImg8bit.png')
    return files


@pytest.fixture(scope='module')
def cityscapes(tmp_path_factory) -> tuple:
    root = tmp_path_factory.mktemp('cityscapes')
    written = synthetic.generate_cityscapes(
        str(root), num_train=3, num_val=2, num_test=1, size=SMALL)
    return root, written


# ------------------------------------------------------------- generators


def test_cityscapes_layout(cityscapes):
    root, written = cityscapes
    assert {k: len(v) for k, v in written.items()} == dict(
        train=3, val=2, test=1)
    for split, stems in written.items():
        cities = {s.split('/')[0] for s in stems}
        assert cities <= set(synthetic.CITYSCAPES_CITIES[split])
        assert (root / f'{split}.txt').read_text().split() == sorted(stems)
        for stem in stems:
            assert re.fullmatch(r'[a-z]+/[a-z]+_\d{6}_\d{6}', stem)
            assert stem.split('/')[1].startswith(stem.split('/')[0] + '_')
            files = cityscapes_files(root, split, stem)
            assert all(p.is_file() for p in files.values()), files
            assert Image.open(files['image']).mode == 'RGB'
            assert Image.open(files['image']).size == SMALL[::-1]
            assert Image.open(files['ids']).mode == 'L'
            assert Image.open(files['train_ids']).mode == 'L'
            assert Image.open(files['color']).mode == 'RGBA'
            ids, train_ids = read(files['ids']), read(files['train_ids'])
            expected = np.vectorize(
                lambda i: id2label[i].trainId % 256)(ids)
            np.testing.assert_array_equal(train_ids, expected)
            doc = json.loads(files['polygons'].read_text())
            assert (doc['imgHeight'], doc['imgWidth']) == SMALL
            for obj in doc['objects']:
                assert set(obj) == {'label', 'polygon'}
                assert obj['label'] in name2label
                assert all(len(p) == 2 and all(isinstance(v, int) for v in p)
                           for p in obj['polygon'])


def test_cityscapes_polygons_reproduce_labels(cityscapes, tmp_path):
    root, written = cityscapes
    out = tmp_path / 'label.png'
    for split, stems in written.items():
        for stem in stems:
            files = cityscapes_files(root, split, stem)
            for encoding, key in (('ids', 'ids'), ('trainIds', 'train_ids'),
                                  ('color', 'color')):
                json2labelImg(str(files['polygons']), str(out), encoding)
                np.testing.assert_array_equal(read(out), read(files[key]))


def test_cityscapes_instance_ids(cityscapes):
    root, written = cityscapes
    instances = set()
    for split, stems in written.items():
        for stem in stems:
            files = cityscapes_files(root, split, stem)
            assert Image.open(files['instance_ids']).mode == 'I;16'
            ours = read(files['instance_ids']).astype(np.int64)
            # cityscapesscripts' own converter, from the polygons (its
            # json2instanceImg saves mode I, which PIL no longer writes)
            annotation = Annotation()
            annotation.fromJsonFile(str(files['polygons']))
            np.testing.assert_array_equal(
                ours, np.asarray(createInstanceImage(annotation, 'ids')))
            ids = read(files['ids'])
            has_instances = np.vectorize(
                lambda i: id2label[i].hasInstances)(ids)
            np.testing.assert_array_equal(
                np.where(has_instances, ours // 1000, ours), ids)
            assert (ours[~has_instances] < 1000).all()
            instances |= set(np.unique(ours[has_instances]).tolist())
    # several objects of one class get ids k = 0, 1, ...
    assert any(i % 1000 == 1 for i in instances)


def test_cityscapes_uses_all_train_classes(tmp_path):
    synthetic.generate_cityscapes(str(tmp_path), num_train=12, num_val=0,
                                  num_test=0, size=(96, 192))
    values = np.unique(np.concatenate([
        read(p).ravel()
        for p in tmp_path.glob('gtFine/train/*/*_labelTrainIds.png')]))
    assert values.tolist() == list(range(19)) + [255]


def test_generators_are_deterministic(tmp_path):
    def generate(name, seed, num_train):
        synthetic.generate_cityscapes(
            str(tmp_path / name), num_train=num_train, num_val=1,
            num_test=0, size=(32, 64), seed=seed)
        return {p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                for p in sorted((tmp_path / name).rglob('*.*'))}

    first, again = generate('a', 3, 2), generate('b', 3, 2)
    assert first == again
    other = generate('c', 4, 2)
    assert first.keys() == other.keys() and first != other
    # An image depends on seed, split and index only, not the split size.
    longer = generate('d', 3, 3)
    assert {k: v for k, v in longer.items() if k in first
            and not k.endswith('.txt')} == {
                k: v for k, v in first.items() if not k.endswith('.txt')}


@pytest.mark.parametrize('layout, sizes, void, classes', [
    ('ade20k', ('images/training', 'images/validation'), 0, range(151)),
    ('pascal_context', ('JPEGImages', ), 0, range(60)),
    ('coco_stuff10k', ('images/train2014', 'images/test2014'), 0, range(172)),
    ('coco_stuff164k', ('images/train2017', 'images/val2017'), 255,
     list(range(171)) + [255]),
])
def test_other_layouts(tmp_path, layout, sizes, void, classes):
    if layout.startswith('coco_stuff'):
        written = synthetic.generate_coco_stuff(
            str(tmp_path), layout=layout[len('coco_stuff'):], num_train=30,
            num_val=2, size=(48, 64))
    else:
        generate = getattr(synthetic, f'generate_{layout}')
        written = generate(str(tmp_path), num_train=30, num_val=2,
                           size=(48, 64))
    assert [len(v) for v in written.values()] == [30, 2]
    values = set()
    for path in (p for paths in written.values() for p in paths):
        assert path.startswith(sizes) and path.endswith('.jpg')
        label_path = label_of(layout, path)
        image, label = read(tmp_path / path), read(tmp_path / label_path)
        assert image.shape == (48, 64, 3) and label.shape == (48, 64)
        values |= set(np.unique(label).tolist())
    assert values <= set(classes) and void in values
    # 30 images cycle through every class the street scene does not use.
    assert len(values) >= len(classes) - 3


def label_of(layout: str, image_path: str) -> str:
    stem = image_path[:-len('.jpg')]
    if layout == 'pascal_context':
        return stem.replace('JPEGImages', 'SegmentationClassContext') + '.png'
    suffix = '_labelTrainIds.png' if 'coco' in layout else '.png'
    return stem.replace('images/', 'annotations/', 1) + suffix


def test_layout_names_and_lists(tmp_path):
    ade = synthetic.generate_ade20k(str(tmp_path / 'ade'), 1, 1, (32, 32))
    assert ade == dict(train=['images/training/ADE_train_00000001.jpg'],
                       val=['images/validation/ADE_val_00000001.jpg'])
    root = tmp_path / 'context'
    ctx = synthetic.generate_pascal_context(str(root), 2, 1, (32, 32))
    sets = root / 'ImageSets' / 'SegmentationContext'
    for split, paths in ctx.items():
        names = (sets / f'{split}.txt').read_text().split()
        assert names == sorted(Path(p).stem for p in paths)
    root = tmp_path / 'coco10k'
    coco = synthetic.generate_coco_stuff(str(root), '10k', 2, 1, (32, 32))
    lists = {name: (root / 'imagesLists' / f'{name}.txt').read_text().split()
             for name in ('train', 'test', 'all')}
    assert lists['test'] == [Path(p).stem for p in coco['val']]
    assert sorted(lists['all']) == sorted(lists['train'] + lists['test'])
    assert all(n.startswith('COCO_train2014_') for n in lists['all'])
    with pytest.raises(ValueError, match='layout'):
        synthetic.generate_coco_stuff(str(root), '20k')


# ------------------------------------------------------------- converters


def test_cityscapes_converter(tmp_path):
    written = synthetic.generate_cityscapes(
        str(tmp_path), num_train=3, num_val=2, num_test=1, size=SMALL)
    labels = sorted(tmp_path.glob('gtFine/*/*/*_labelTrainIds.png'))
    expected = {p: read(p) for p in labels}
    lists = {s: (tmp_path / f'{s}.txt').read_text() for s in written}

    def reset():
        for p in labels:
            p.unlink()
        for s in written:
            (tmp_path / f'{s}.txt').unlink()

    def check(list_dir):
        for p, array in expected.items():
            np.testing.assert_array_equal(read(p), array)
        for s, text in lists.items():
            assert (list_dir / f'{s}.txt').read_text() == text

    reset()
    script = CONVERTERS / 'cityscapes.py'
    subprocess.run([sys.executable, str(script), str(tmp_path), '--nproc',
                    '2'], check=True, capture_output=True)
    check(tmp_path)

    reset()
    tool = load_tool(script)
    out = tmp_path / 'lists'
    splits = tool.convert_cityscapes(str(tmp_path), out_dir=str(out))
    assert splits == {s: sorted(v) for s, v in written.items()}
    check(out)


def test_cityscapes_converter_bad_root(tmp_path):
    script = CONVERTERS / 'cityscapes.py'
    result = subprocess.run([sys.executable, str(script), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode != 0
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert str(tmp_path / 'gtFine') in message and '--gt-dir' in message


def test_coco_stuff164k_converter(tmp_path):
    tool = load_tool(CONVERTERS / 'coco_stuff164k.py')
    raw, out = tmp_path / 'raw', tmp_path / 'out'
    values = np.array([[0, 11, 12, 91], [181, 255, 2, 90]], dtype=np.uint8)
    for split in ('train2017', 'val2017'):
        (raw / 'annotations' / split).mkdir(parents=True)
        (raw / 'images' / split).mkdir(parents=True)
        Image.fromarray(values).save(raw / 'annotations' / split / '7.png')
        (raw / 'images' / split / '7.jpg').write_bytes(b'jpg')
    counts = tool.convert_coco_stuff164k(str(raw), str(out))
    assert counts == dict(train2017=1, val2017=1)
    converted = read(out / 'annotations' / 'val2017' / '7_labelTrainIds.png')
    # person 0, unused 11 -> ignore, stop sign 12 -> 11, banner 91 -> 80,
    # wood 181 -> 170, unlabeled 255, car 2, hair drier 90 unused.
    np.testing.assert_array_equal(
        converted, [[0, 255, 11, 80], [170, 255, 2, 255]])
    assert (out / 'images' / 'train2017' / '7.jpg').read_bytes() == b'jpg'
    assert len(tool.CLASS_IDS) == 171
    with pytest.raises(FileNotFoundError, match='stuffthingmaps'):
        tool.convert_coco_stuff164k(str(tmp_path / 'missing'))


def fake_mat_reader(path):
    """Stands in for scipy's loadmat: the tests save .npy data as .mat."""
    return np.load(path)


def save_fake_mat(path: Path, array) -> None:
    with open(path, 'wb') as f:
        np.save(f, np.asarray(array))


def test_coco_stuff10k_converter(tmp_path, monkeypatch):
    tool = load_tool(CONVERTERS / 'coco_stuff10k.py')
    monkeypatch.setattr(tool, 'read_mat_labels', fake_mat_reader)
    raw = tmp_path / 'raw'
    for folder in ('images', 'annotations', 'imageLists'):
        (raw / folder).mkdir(parents=True)
    names = dict(train=['COCO_train2014_000000000001'],
                 test=['COCO_train2014_000000000002'])
    for split, split_names in names.items():
        (raw / 'imageLists' / f'{split}.txt').write_text(
            ''.join(n + '\n' for n in split_names))
        for name in split_names:
            (raw / 'images' / f'{name}.jpg').write_bytes(b'jpg')
            save_fake_mat(raw / 'annotations' / f'{name}.mat',
                          [[0, 1, 12, 13], [92, 182, 3, 91]])
    out = tmp_path / 'out'
    assert tool.convert_coco_stuff10k(str(raw), str(out)) == names
    label = read(out / 'annotations' / 'test2014' /
                 'COCO_train2014_000000000002_labelTrainIds.png')
    # 0 stays unlabeled, person 1 -> 1, unused 12 / 91 -> 0, stop sign
    # 13 -> 12, banner 92 -> 81, wood 182 -> 171, car 3 -> 3.
    np.testing.assert_array_equal(label, [[0, 1, 0, 12], [81, 171, 3, 0]])
    assert (out / 'images' / 'train2014' /
            'COCO_train2014_000000000001.jpg').is_file()
    lists = (out / 'imagesLists' / 'all.txt').read_text().split()
    assert lists == names['train'] + names['test']


def test_pascal_context_converter(tmp_path, monkeypatch):
    tool = load_tool(CONVERTERS / 'pascal_context.py')
    monkeypatch.setattr(tool, 'read_mat_labels', fake_mat_reader)
    main = tmp_path / 'VOCdevkit' / 'VOC2010' / 'ImageSets' / 'Main'
    main.mkdir(parents=True)
    (main / 'train.txt').write_text('2008_000002\n2008_000001\n')
    (main / 'val.txt').write_text('2008_000003\n2008_000009\n')
    labels = tmp_path / 'trainval'
    labels.mkdir()
    full = np.array([[0, 1, 2, 458], [284, 459, 360, 3]], dtype=np.uint16)
    for name in ('2008_000001', '2008_000002', '2008_000003'):
        save_fake_mat(labels / f'{name}.mat', full)
    devkit = tmp_path / 'VOCdevkit'
    splits = tool.convert_pascal_context(str(devkit), str(labels))
    # The listed val image without a .mat file is left out.
    assert splits == dict(train=['2008_000001', '2008_000002'],
                          val=['2008_000003'])
    voc = devkit / 'VOC2010'
    # aeroplane 2 -> 1, wood 458 -> 59, person 284 -> 37, sky 360 -> 47;
    # classes outside the 59 (1, 3, 459) become background 0.
    np.testing.assert_array_equal(
        read(voc / 'SegmentationClassContext' / '2008_000003.png'),
        [[0, 0, 1, 59], [37, 0, 47, 0]])
    sets = voc / 'ImageSets' / 'SegmentationContext'
    assert (sets / 'train.txt').read_text() == '2008_000001\n2008_000002\n'
    with pytest.raises(FileNotFoundError, match='detail'):
        tool.convert_pascal_context(str(devkit), 'trainval_merged.json')
    with pytest.raises(FileNotFoundError, match='ImageSets'):
        tool.convert_pascal_context(str(tmp_path), str(labels))


@pytest.mark.parametrize('script', ['coco_stuff10k.py', 'pascal_context.py'])
def test_mat_converters_without_scipy(script, tmp_path):
    args = [str(tmp_path)] * (2 if script == 'pascal_context.py' else 1)
    # None in sys.modules makes `import scipy` fail as if not installed
    hide_scipy = ("import runpy, sys; sys.modules['scipy'] = None; "
                  "sys.modules['scipy.io'] = None; sys.argv = sys.argv[1:]; "
                  "runpy.run_path(sys.argv[0], run_name='__main__')")
    result = subprocess.run(
        [sys.executable, '-c', hide_scipy, str(CONVERTERS / script), *args],
        capture_output=True, text=True)
    assert result.returncode != 0
    assert 'needs scipy: pip install scipy' in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_mat_converters_with_scipy(tmp_path):
    scipy_io = pytest.importorskip('scipy.io')
    raw = tmp_path / 'coco'
    for folder in ('images', 'annotations', 'imageLists'):
        (raw / folder).mkdir(parents=True)
    for split, name in (('train', 'a'), ('test', 'b')):
        (raw / 'imageLists' / f'{split}.txt').write_text(name + '\n')
        (raw / 'images' / f'{name}.jpg').write_bytes(b'jpg')
        scipy_io.savemat(str(raw / 'annotations' / f'{name}.mat'),
                         dict(S=np.array([[0, 1], [13, 182]], np.uint8)))
    subprocess.run([sys.executable, str(CONVERTERS / 'coco_stuff10k.py'),
                    str(raw), '--nproc', '2'], check=True, capture_output=True)
    np.testing.assert_array_equal(
        read(raw / 'annotations' / 'train2014' / 'a_labelTrainIds.png'),
        [[0, 1], [12, 171]])
