"""Synthetic retinal fundus images with their vessel maps, in the layouts
of DRIVE, STARE, CHASE_DB1 and HRF.

A vessel tree grows from the optic disc: a few main vessels 3 px wide
(2 px in images under 128 px) leave it and wander as smooth random
curves, branching into thinner ones (down to 1 px) up to three levels
deep. Labels are 1 on the vessels and 0 elsewhere, also outside the
round field of view, which is black in the image (as in DRIVE). The image
is a reddish fundus with vignetting, a bright optic disc and darker,
soft-edged vessels.
"""
import os.path as osp
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

import cv2
import numpy as np

from .layout import Size
from .writers import _SPLIT_CODES, _check_size, _write

# Stream tag of the vessel scenes, so that they draw other random numbers
# than the street scenes of the same seed, split and index.
_VESSEL_STREAM = 7
_MAX_VESSELS = 80
_MAX_DEPTH = 3
_FOLDERS = dict(train='training', val='validation')


class Vessel(NamedTuple):
    """A polyline (``(N, 2)`` x, y points) drawn ``width`` pixels wide."""
    points: np.ndarray
    width: int


class _Sprout(NamedTuple):
    start: Tuple[float, float]
    angle: float
    width: int
    depth: int


def field_of_view(size: Size) -> np.ndarray:
    """Bool ``(H, W)`` mask of the round (elliptic) camera field."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return (((xx - (w - 1) / 2) / (0.47 * w))**2 +
            ((yy - (h - 1) / 2) / (0.47 * h))**2) <= 1


def vessel_tree(rng: np.random.Generator, size: Size,
                disc: Tuple[float, float]) -> List[Vessel]:
    """Random branching vessels growing from the optic disc ``disc``
    (x, y); each leaves the field of view or ends after a random length.
    """
    h, w = size
    fov = field_of_view(size)
    step = max(2.0, min(h, w) / 40)
    main_width = 3 if min(h, w) >= 128 else 2
    num_main = int(rng.integers(4, 7))
    first = rng.uniform(0, 2 * np.pi)
    todo = [_Sprout(disc, first + 2 * np.pi * k / num_main +
                    rng.normal(0, 0.2), main_width, 0)
            for k in range(num_main)]
    vessels = []
    while todo and len(vessels) < _MAX_VESSELS:
        sprout = todo.pop(0)
        length = rng.uniform(0.3, 0.8) * np.hypot(h, w) / (1 + sprout.depth)
        x, y = sprout.start
        angle, turn = sprout.angle, 0.0
        points = [(x, y)]
        for _ in range(max(int(length / step), 2)):
            turn = 0.6 * turn + rng.normal(0, 0.08)
            angle += turn
            x, y = x + step * np.cos(angle), y + step * np.sin(angle)
            if not (0 <= x < w and 0 <= y < h and fov[int(y), int(x)]):
                break
            points.append((x, y))
            if sprout.depth < _MAX_DEPTH and rng.random() < 0.12:
                side = rng.choice((-1.0, 1.0))
                todo.append(_Sprout((x, y), angle + side * rng.uniform(
                    0.4, 1.1), max(1, sprout.width - 1), sprout.depth + 1))
        if len(points) > 1:
            vessels.append(Vessel(np.asarray(points), sprout.width))
    return vessels


def draw_vessels(vessels: Sequence[Vessel], size: Size) -> np.ndarray:
    """uint8 ``(H, W)`` map: 1 on the vessels, 0 elsewhere."""
    canvas = np.zeros(size, dtype=np.uint8)
    for vessel in vessels:
        cv2.polylines(canvas, [np.round(vessel.points).astype(np.int32)],
                      False, 1, thickness=vessel.width, lineType=cv2.LINE_8)
    return canvas


def fundus_scene(rng: np.random.Generator,
                 size: Size) -> Tuple[np.ndarray, np.ndarray]:
    """One synthetic fundus image and its vessel map.

    Returns:
        ``(label_map, image)``: uint8 ``(H, W)`` (0/1) and uint8 RGB
        ``(H, W, 3)``.
    """
    h, w = size
    fov = field_of_view(size)
    disc = (w * rng.uniform(0.3, 0.7), h * rng.uniform(0.35, 0.65))
    label = draw_vessels(vessel_tree(rng, size, disc), size) * fov

    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    radius2 = ((xx - w / 2) / (w / 2))**2 + ((yy - h / 2) / (h / 2))**2
    base = np.array([205, 95, 45], np.float32) * rng.uniform(0.8, 1.1)
    smooth = cv2.resize(rng.normal(0, 1, (6, 6)).astype(np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    shade = (1 - 0.35 * radius2) * (1 + 0.06 * smooth)
    image = base * shade[..., None]
    sigma = min(h, w) / 14
    blob = np.exp(-((xx - disc[0])**2 + (yy - disc[1])**2) / (2 * sigma**2))
    image += blob[..., None] * np.array([60, 55, 35], np.float32)
    # vessels darken the red and green most, with soft edges
    soft = cv2.GaussianBlur(label.astype(np.float32), (3, 3), 0.6)
    contrast = rng.uniform(0.35, 0.55)
    image *= 1 - contrast * soft[..., None] * np.array([0.9, 1.0, 0.6],
                                                       np.float32)
    image += rng.normal(0, 4, image.shape)
    image *= fov[..., None]
    return label, image.clip(0, 255).astype(np.uint8)


def _generate_retinal(root: str, counts: Dict[str, int],
                      names: Callable[[str, int], str], label_suffix: str,
                      size: Sequence[int], seed: int) -> Dict[str, List[str]]:
    """Write ``images/{training,validation}/{name}.png`` and
    ``annotations/.../{name}{label_suffix}``, ``name = names(split, i)``."""
    size = _check_size(size)
    written: Dict[str, List[str]] = {}
    for split, count in counts.items():
        folder = _FOLDERS[split]
        for i in range(count):
            rng = np.random.default_rng(
                [seed, _SPLIT_CODES[split], i, _VESSEL_STREAM])
            label, image = fundus_scene(rng, size)
            name = names(split, i)
            image_path = f'images/{folder}/{name}.png'
            _write(osp.join(root, image_path), image)
            _write(osp.join(root, 'annotations', folder,
                            name + label_suffix), label)
            written.setdefault(split, []).append(image_path)
    return written


def generate_drive(root: str, num_train: int = 20, num_val: int = 20,
                   size: Sequence[int] = (146, 141),
                   seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic DRIVE dataset as ``tools/convert_datasets/drive.py``
    leaves it.

    ``images/training/{21..}.png`` with ``annotations/training/
    {21..}_manual1.png`` and ``images/validation/{01..}.png`` with
    ``annotations/validation/{01..}_manual1.png`` (0 background,
    1 vessel), as DRIVE numbers its training and test images. The default
    size is a quarter of DRIVE's 584x565.

    Returns:
        ``{'train' | 'val': [image path relative to root, ...]}``.
    """
    first = dict(train=21, val=1)
    return _generate_retinal(
        root, dict(train=num_train, val=num_val),
        lambda split, i: f'{first[split] + i:02d}', '_manual1.png', size,
        seed)


def generate_stare(root: str, num_train: int = 10, num_val: int = 10,
                   size: Sequence[int] = (151, 175),
                   seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic STARE dataset as ``tools/convert_datasets/stare.py``
    leaves it: ``im{k:04d}.png`` images with ``im{k:04d}.ah.png`` labels,
    numbered on from training to validation. The default size is a
    quarter of STARE's 605x700.

    Returns:
        ``{'train' | 'val': [image path relative to root, ...]}``.
    """
    offset = dict(train=0, val=num_train)
    return _generate_retinal(
        root, dict(train=num_train, val=num_val),
        lambda split, i: f'im{offset[split] + i + 1:04d}', '.ah.png', size,
        seed)


def generate_chase_db1(root: str, num_train: int = 20, num_val: int = 8,
                       size: Sequence[int] = (240, 250),
                       seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic CHASE_DB1 dataset as
    ``tools/convert_datasets/chase_db1.py`` leaves it: ``Image_{n}{L,R}.png``
    images (left and right eye of each child) with ``..._1stHO.png``
    labels. The default size is a quarter of CHASE_DB1's 960x999.

    Returns:
        ``{'train' | 'val': [image path relative to root, ...]}``.
    """
    offset = dict(train=0, val=num_train)

    def name(split: str, i: int) -> str:
        k = offset[split] + i
        return f'Image_{k // 2 + 1:02d}{"LR"[k % 2]}'

    return _generate_retinal(root, dict(train=num_train, val=num_val), name,
                             '_1stHO.png', size, seed)


def generate_hrf(root: str, num_train: int = 15, num_val: int = 30,
                 size: Sequence[int] = (292, 438),
                 seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic HRF dataset as ``tools/convert_datasets/hrf.py``
    leaves it: ``{n:02d}_{h,g,dr}.png`` images (healthy, glaucoma,
    diabetic retinopathy in turn) with labels of the same name. The
    default size is an eighth of HRF's 2336x3504.

    Returns:
        ``{'train' | 'val': [image path relative to root, ...]}``.
    """
    offset = dict(train=0, val=num_train)

    def name(split: str, i: int) -> str:
        k = offset[split] + i
        return f'{k // 3 + 1:02d}_{("h", "g", "dr")[k % 3]}'

    return _generate_retinal(root, dict(train=num_train, val=num_val), name,
                             '.png', size, seed)
