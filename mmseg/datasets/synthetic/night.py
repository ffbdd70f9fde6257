"""Synthetic night street scenes in the layouts of the Dark Zurich
validation sequence and the Nighttime Driving test set.

The scenes are the Cityscapes street scenes of :mod:`.writers`, drawn dark
with a few warm street-light glows and sensor noise; labels are
Cityscapes label ids and train ids.
"""
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np
from cityscapesscripts.helpers.labels import labels as cs_labels

from .render import Looks
from .writers import (
    _SPLIT_CODES,
    _check_size,
    _cityscapes_label_set,
    _generate_scene,
    _write,
)

# Added to the data seed, so that the night scenes are not the day scenes
# of the synthetic Cityscapes set with the same seed.
_NIGHT_SEED = 1000


def _train_ids() -> np.ndarray:
    table = np.full(256, 255, dtype=np.uint8)
    for label in cs_labels:
        if label.id >= 0:
            table[label.id] = label.trainId if label.trainId >= 0 else 255
    return table


def night_image(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A day image (uint8 RGB) as seen at night."""
    h, w = image.shape[:2]
    dark = image.astype(np.float32) * rng.uniform(0.15, 0.3)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for _ in range(int(rng.integers(2, 5))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h / 2)
        sigma = rng.uniform(0.04, 0.1) * w
        glow = np.exp(-((xx - cx)**2 + (yy - cy)**2) / (2 * sigma**2))
        dark += glow[..., None] * np.array([120, 90, 40], np.float32)
    dark += rng.normal(0, 5, dark.shape)
    return dark.clip(0, 255).astype(np.uint8)


def _generate_night(root: str, split: str, count: int, size: Sequence[int],
                    seed: int, image_path: str,
                    label_prefix: str) -> List[str]:
    """Write ``count`` scenes of ``split``; the paths are formats of the
    index."""
    size = _check_size(size)
    label_set = _cityscapes_label_set()
    looks = Looks.for_label_set(label_set)
    train_ids = _train_ids()
    written = []
    for i in range(count):
        scene = _generate_scene(label_set, looks, size, seed + _NIGHT_SEED,
                                split, i)
        rng = np.random.default_rng([seed, _SPLIT_CODES[split], i,
                                     _NIGHT_SEED])
        path = image_path.format(i)
        _write(osp.join(root, path), night_image(scene.image, rng))
        prefix = osp.join(root, label_prefix.format(i))
        _write(prefix + 'labelIds.png', scene.label_map)
        _write(prefix + 'labelTrainIds.png', train_ids[scene.label_map])
        written.append(path)
    return written


def generate_dark_zurich(root: str, num_val: int = 50,
                         size: Sequence[int] = (270, 480),
                         seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic Dark Zurich night validation sequence.

    ``rgb_anon/val/night/GOPR0356/GOPR0356_frame_{k:06d}_rgb_anon.png``
    with ``gt/val/night/GOPR0356/..._gt_labelTrainIds.png`` (and
    ``_gt_labelIds.png``), where the configs
    ``configs/pspnet/*_dark.py`` test.

    Returns:
        ``{'val': [image path relative to root, ...]}``.
    """
    return dict(val=_generate_night(
        root, 'val', num_val, size, seed,
        'rgb_anon/val/night/GOPR0356/GOPR0356_frame_{:06d}_rgb_anon.png',
        'gt/val/night/GOPR0356/GOPR0356_frame_{:06d}_gt_'))


def generate_night_driving(root: str, num_val: int = 50,
                           size: Sequence[int] = (270, 480),
                           seed: int = 0) -> Dict[str, List[str]]:
    """Write a synthetic Nighttime Driving test set (its only split).

    ``leftImg8bit/test/night/{k}_frame_0199_leftImg8bit.png`` with
    ``gtCoarse_daytime_trainvaltest/test/night/
    {k}_frame_0199_gtCoarse_labelTrainIds.png`` (and ``_labelIds``), where
    the configs ``configs/pspnet/*_night_driving.py`` test.

    Returns:
        ``{'val': [image path relative to root, ...]}`` (the test images).
    """
    return dict(val=_generate_night(
        root, 'test', num_val, size, seed,
        'leftImg8bit/test/night/{}_frame_0199_leftImg8bit.png',
        'gtCoarse_daytime_trainvaltest/test/night/'
        '{}_frame_0199_gtCoarse_'))
