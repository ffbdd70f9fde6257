"""Synthetic datasets on disk, in the layouts of the real benchmarks.

Each ``generate_*`` function lays out (:mod:`.layout`) and renders
(:mod:`.render`) one scene per image and writes the files where the
benchmark's loader and converters expect them. Everything depends only on
``seed``, the split and the image index.
"""
import json
import os.path as osp
from typing import Dict, List, Mapping, NamedTuple, Sequence, Tuple, Union

import cv2
import numpy as np
from cityscapesscripts.helpers.labels import labels as cs_labels
from mmengine.utils import mkdir_or_exist

from .layout import LabelSet, Shape, Size, clutter, street_scene
from .render import Looks, paint_scene, rasterize

CITYSCAPES_CITIES = {
    'train': ('aachen', 'bochum', 'bremen'),
    'val': ('frankfurt', 'lindau', 'munster'),
    'test': ('berlin', 'bielefeld', 'bonn'),
}
# Image ``i`` of a split is forced to show ``_RARE_ROLES[i % 12]`` (rarest
# first), so that 12 consecutive images normally hold all 19 train classes.
_RARE_ROLES = ('train', 'bus', 'truck', 'motorcycle', 'rider', 'bicycle',
               'wall', 'fence', 'terrain', 'traffic light', 'traffic sign',
               'person')
_SPLIT_CODES = {'train': 0, 'val': 1, 'test': 2}
_CLUTTER_PER_IMAGE = 6


def _cityscapes_label_set() -> LabelSet:
    return LabelSet({lb.name: lb.id for lb in cs_labels if lb.id >= 0}, 0)


# Street roles -> class value in each dataset. Roles go to the class of
# the same name or else to the closest one, named in the comments.
# ADE20K: value = 1 + index in the 150 classes, 0 = 'other'.
_ADE20K_ROLES = {
    'road': 7, 'sidewalk': 12, 'building': 2, 'wall': 1, 'fence': 33,
    'pole': 94, 'traffic light': 137,
    'traffic sign': 44,  # signboard
    'vegetation': 5,  # tree
    'terrain': 10,  # grass
    'sky': 3, 'person': 13, 'rider': 13, 'car': 21, 'truck': 84, 'bus': 81,
    'train': 103,  # van
    'motorcycle': 117,  # minibike
    'bicycle': 128,
    'ground': 14,  # earth
}
# PASCAL Context-59: value = 1 + index in the 59 classes, 0 = background.
_CONTEXT59_ROLES = {
    'road': 41, 'sidewalk': 45, 'building': 11, 'wall': 56, 'fence': 25,
    'traffic light': 33,  # light
    'traffic sign': 46,  # sign
    'vegetation': 53,  # tree
    'terrain': 29,  # grass
    'sky': 47, 'person': 37, 'rider': 37, 'car': 14, 'truck': 54, 'bus': 12,
    'train': 52, 'motorcycle': 34, 'bicycle': 6, 'ground': 30,
    'rail track': 51,  # track
}
# COCO-Stuff: train ids 0..170 as in the 164k layout.
_COCO_STUFF_ROLES = {
    'road': 137,
    'sidewalk': 128,  # pavement
    'building': 84,  # building-other
    'wall': 160,  # wall-concrete
    'fence': 101,
    'pole': 152,  # structural-other
    'traffic light': 9,
    'traffic sign': 11,  # stop sign
    'vegetation': 157,  # tree
    'terrain': 112,  # grass
    'sky': 145,  # sky-other
    'person': 0, 'rider': 0, 'car': 2, 'truck': 7, 'bus': 5, 'train': 6,
    'motorcycle': 3, 'bicycle': 1,
    'ground': 114,  # ground-other
    'rail track': 135,  # railroad
}


def _coco_stuff_label_set(layout: str) -> LabelSet:
    if layout == '164k':
        return LabelSet(_COCO_STUFF_ROLES, 255, range(171))
    # 10k: 0 is unlabeled and the classes are shifted by one (0.28 layout,
    # loaded with reduce_zero_label=True).
    roles = {role: value + 1 for role, value in _COCO_STUFF_ROLES.items()}
    return LabelSet(roles, 0, range(1, 172))


class _Generated(NamedTuple):
    label_map: np.ndarray
    image: np.ndarray
    shapes: List[Shape]


def _generate_scene(label_set: LabelSet, looks: Looks, size: Size,
                    seed: int, split: str, index: int) -> _Generated:
    """The scene of image ``index`` of ``split``; depends on nothing else."""
    rng = np.random.default_rng([seed, _SPLIT_CODES[split], index])
    forced = (_RARE_ROLES[index % len(_RARE_ROLES)], )
    shapes = street_scene(rng, size[0], size[1], forced)
    values = [label_set.value(s.label) for s in shapes]
    pool = label_set.clutter
    if pool:
        # Consecutive images cycle through the pool, so every class shows
        # up once a split has len(pool) / _CLUTTER_PER_IMAGE images.
        order = np.random.default_rng(len(pool)).permutation(pool)
        picks = [order[(index * _CLUTTER_PER_IMAGE + k) % len(pool)]
                 for k in range(_CLUTTER_PER_IMAGE)]
        for value, shape in clutter(rng, size[0], size[1], picks):
            shapes.append(shape)
            values.append(value)
    label_map, image = paint_scene(shapes, values, label_set.void, looks,
                                   size, rng)
    return _Generated(label_map, image, shapes)


def _write(path: str, array: np.ndarray) -> None:
    """Write an L, RGB or RGBA array as PNG / JPEG (by extension)."""
    mkdir_or_exist(osp.dirname(path))
    if array.ndim == 3:
        array = cv2.cvtColor(array, cv2.COLOR_RGB2BGR if array.shape[2] == 3
                             else cv2.COLOR_RGBA2BGRA)
    params = [cv2.IMWRITE_JPEG_QUALITY, 92] if path.endswith('.jpg') else []
    if not cv2.imwrite(path, array, params):
        raise OSError(f'could not write {path}')


def _write_lines(path: str, lines: Sequence[str]) -> None:
    with open(path, 'w') as f:
        f.writelines(line + '\n' for line in lines)


def _check_size(size: Sequence[int]) -> Size:
    h, w = (int(v) for v in size)
    if h < 16 or w < 16:
        raise ValueError(f'size must be at least 16x16 pixels, got {size}')
    return h, w


def generate_cityscapes(root: str, num_train: int = 40, num_val: int = 10,
                        num_test: int = 10, size: Sequence[int] = (256, 512),
                        seed: int = 0,
                        cities: Union[Sequence[str],
                                      Mapping[str, Sequence[str]],
                                      None] = None) -> Dict[str, List[str]]:
    """Write a synthetic dataset in the Cityscapes ``gtFine`` layout.

    Writes ``leftImg8bit/{split}/{city}/{stem}_leftImg8bit.png`` and, in
    ``gtFine/{split}/{city}``, ``{stem}_gtFine_polygons.json``,
    ``_labelIds.png``, ``_labelTrainIds.png``, ``_instanceIds.png`` and
    ``_color.png``, where
    ``stem`` is ``{city}_{seq:06d}_000019``; plus ``{split}.txt`` in
    ``root`` listing ``{city}/{stem}``.

    Args:
        root: output folder.
        num_train, num_val, num_test: images per split (0 skips a split).
        size: (height, width) of every image.
        seed: the data depend only on it (and split, image index).
        cities: city names per split, or one list for all splits; by
            default three real city names per split.

    Returns:
        ``{split: ['city/stem', ...]}``.
    """
    size = _check_size(size)
    if cities is None:
        cities = CITYSCAPES_CITIES
    elif not isinstance(cities, Mapping):
        cities = {split: tuple(cities) for split in _SPLIT_CODES}
    label_set = _cityscapes_label_set()
    looks = Looks.for_label_set(label_set)
    train_id = np.full(256, 255, dtype=np.uint8)
    color = np.zeros((256, 4), dtype=np.uint8)
    for lb in cs_labels:
        if lb.id >= 0:
            train_id[lb.id] = lb.trainId if lb.trainId >= 0 else 255
            color[lb.id] = (*lb.color, 255)
    written = {}
    counts = dict(train=num_train, val=num_val, test=num_test)
    for split, count in counts.items():
        if count <= 0:
            continue
        names = cities[split]
        written[split] = []
        for i in range(count):
            city = names[i % len(names)]
            stem = f'{city}_{i // len(names):06d}_000019'
            scene = _generate_scene(label_set, looks, size, seed, split, i)
            gt = osp.join(root, 'gtFine', split, city, stem + '_gtFine_')
            _write(osp.join(root, 'leftImg8bit', split, city,
                            stem + '_leftImg8bit.png'), scene.image)
            _write(gt + 'labelIds.png', scene.label_map)
            _write(gt + 'labelTrainIds.png', train_id[scene.label_map])
            _write(gt + 'color.png', color[scene.label_map])
            _write(gt + 'instanceIds.png',
                   cityscapes_instance_ids(scene.shapes, size))
            _write_polygons(gt + 'polygons.json', scene.shapes, size)
            written[split].append(f'{city}/{stem}')
        _write_lines(osp.join(root, f'{split}.txt'), sorted(written[split]))
    return written


def cityscapes_instance_ids(shapes: Sequence[Shape],
                            size: Size) -> np.ndarray:
    """The ``*_gtFine_instanceIds.png`` map of a scene.

    As in Cityscapes: ``label id * 1000 + k`` for the k-th object (from 0,
    in drawing order) of a class that has instances (person, car, ...),
    the label id otherwise, 0 ('unlabeled') where no polygon lies.

    Returns:
        uint16 ``(H, W)``.
    """
    by_name = {lb.name: lb for lb in cs_labels}
    seen: Dict[str, int] = {}
    ids = [0]
    for shape in shapes:
        label = by_name[shape.label]
        if label.hasInstances:
            ids.append(label.id * 1000 + seen.get(shape.label, 0))
            seen[shape.label] = seen.get(shape.label, 0) + 1
        else:
            ids.append(label.id)
    index = rasterize([s.polygon for s in shapes], size)
    return np.asarray(ids, dtype=np.uint16)[index]


def _write_polygons(path: str, shapes: Sequence[Shape], size: Size) -> None:
    """The official polygon JSON: drawing order, integer pixel corners."""
    doc = dict(imgHeight=size[0], imgWidth=size[1], objects=[
        dict(label=s.label, polygon=s.polygon.tolist()) for s in shapes])
    with open(path, 'w') as f:
        json.dump(doc, f, indent=4)


def _generate_flat(root: str, label_set: LabelSet, size: Sequence[int],
                   seed: int, items: Sequence[Tuple[str, str, str]]
                   ) -> Dict[str, List[str]]:
    """Write ``(split, image_path, label_path)`` items, paths relative to
    ``root``; returns ``{split: [image path, ...]}``."""
    size = _check_size(size)
    looks = Looks.for_label_set(label_set)
    written: Dict[str, List[str]] = {}
    for split, image_path, label_path in items:
        index = len(written.setdefault(split, []))
        scene = _generate_scene(label_set, looks, size, seed, split, index)
        _write(osp.join(root, image_path), scene.image)
        _write(osp.join(root, label_path), scene.label_map)
        written[split].append(image_path)
    return written


def _stem(path: str) -> str:
    return osp.splitext(osp.basename(path))[0]


def generate_ade20k(root: str, num_train: int = 40, num_val: int = 10,
                    size: Sequence[int] = (256, 320),
                    seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic ADEChallengeData2016 layout.

    ``images/{training,validation}/ADE_{train,val}_{i:08d}.jpg`` and
    ``annotations/.../*.png`` with values 0..150 (0 = 'other', ignored
    with ``reduce_zero_label``).

    Returns:
        ``{split: [image path relative to root, ...]}`` (``train``/``val``).
    """
    label_set = LabelSet(_ADE20K_ROLES, 0, range(1, 151))
    items = []
    for split, folder, prefix, count in (
            ('train', 'training', 'ADE_train', num_train),
            ('val', 'validation', 'ADE_val', num_val)):
        for i in range(count):
            name = f'{prefix}_{i + 1:08d}'
            items.append((split, f'images/{folder}/{name}.jpg',
                          f'annotations/{folder}/{name}.png'))
    return _generate_flat(root, label_set, size, seed, items)


def generate_pascal_context(root: str, num_train: int = 40,
                            num_val: int = 10,
                            size: Sequence[int] = (256, 320),
                            seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic PASCAL Context-59 layout (the ``VOC2010`` folder).

    ``JPEGImages/{name}.jpg``, ``SegmentationClassContext/{name}.png``
    (values 0..59, 0 = background, ignored with ``reduce_zero_label``) and
    ``ImageSets/SegmentationContext/{train,val}.txt``.

    Returns:
        ``{split: [image path relative to root, ...]}``.
    """
    label_set = LabelSet(_CONTEXT59_ROLES, 0, range(1, 60))
    items = []
    for split, year, count in (('train', 2008, num_train),
                               ('val', 2010, num_val)):
        for i in range(count):
            name = f'{year}_{i + 1:06d}'
            items.append((split, f'JPEGImages/{name}.jpg',
                          f'SegmentationClassContext/{name}.png'))
    written = _generate_flat(root, label_set, size, seed, items)
    sets = osp.join(root, 'ImageSets', 'SegmentationContext')
    mkdir_or_exist(sets)
    for split, paths in written.items():
        _write_lines(osp.join(sets, f'{split}.txt'),
                     sorted(_stem(p) for p in paths))
    return written


def generate_coco_stuff(root: str, layout: str = '164k',
                        num_train: int = 40, num_val: int = 10,
                        size: Sequence[int] = (256, 320),
                        seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic COCO-Stuff layout as the 0.28 converters leave it.

    ``'164k'``: ``images/{train2017,val2017}/{id:012d}.jpg`` and
    ``annotations/.../{id:012d}_labelTrainIds.png`` with train ids 0..170,
    255 = ignore. ``'10k'``: ``images/{train2014,test2014}/
    COCO_train2014_{id:012d}.jpg``, matching ``_labelTrainIds.png`` with
    0 = unlabeled and classes 1..171 (loaded with ``reduce_zero_label``),
    and ``imagesLists/{train,test,all}.txt``. ``num_val`` images go to the
    evaluation split (``val2017`` / ``test2014``).

    Returns:
        ``{'train' | 'val': [image path relative to root, ...]}``.
    """
    if layout not in ('10k', '164k'):
        raise ValueError(f"layout must be '10k' or '164k', got {layout!r}")
    folders = (('train2014', 'test2014') if layout == '10k' else
               ('train2017', 'val2017'))
    prefix = 'COCO_train2014_' if layout == '10k' else ''
    items = []
    for split, folder, count, first in (('train', folders[0], num_train, 9),
                                        ('val', folders[1], num_val, 139)):
        for i in range(count):
            name = f'{prefix}{first + 17 * i:012d}'
            items.append((split, f'images/{folder}/{name}.jpg',
                          f'annotations/{folder}/{name}_labelTrainIds.png'))
    written = _generate_flat(root, _coco_stuff_label_set(layout), size, seed,
                             items)
    if layout == '10k':
        lists = {name: sorted(_stem(p) for p in written.get(split, []))
                 for name, split in (('train', 'train'), ('test', 'val'))}
        lists['all'] = sorted(lists['train'] + lists['test'])
        mkdir_or_exist(osp.join(root, 'imagesLists'))
        for name, stems in lists.items():
            _write_lines(osp.join(root, 'imagesLists', f'{name}.txt'), stems)
    return written
