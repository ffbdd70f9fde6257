"""Rendering of a synthetic scene: label maps and matching RGB images.

Polygons are rasterised with PIL's polygon filler, the one cityscapesscripts'
``json2labelImg`` uses, so written polygon files reproduce the label images
pixel for pixel; OpenCV only draws image-only details (lane marks, windows)
and the textures.
"""
from dataclasses import dataclass
from typing import Sequence, Tuple

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .layout import LabelSet, Shape, Size

# Texture kinds of the image painter.
FLAT, GRAIN, BLOTCH, WINDOWS, GRADIENT, STRIPES = range(6)

# Mean RGB colour and texture of each street role in the images.
_ROLE_LOOKS = {
    'unlabeled': ((35, 35, 40), GRAIN),
    'ego vehicle': ((30, 32, 38), FLAT),
    'static': ((110, 105, 70), FLAT),
    'dynamic': ((150, 90, 40), FLAT),
    'ground': ((125, 110, 90), BLOTCH),
    'parking': ((120, 100, 115), GRAIN),
    'rail track': ((95, 80, 70), STRIPES),
    'road': ((88, 82, 98), GRAIN),
    'sidewalk': ((150, 128, 140), GRAIN),
    'building': ((112, 100, 92), WINDOWS),
    'wall': ((150, 140, 118), FLAT),
    'fence': ((165, 150, 118), STRIPES),
    'pole': ((75, 75, 80), FLAT),
    'traffic light': ((45, 45, 30), FLAT),
    'traffic sign': ((215, 195, 45), FLAT),
    'vegetation': ((70, 118, 42), BLOTCH),
    'terrain': ((140, 158, 82), BLOTCH),
    'sky': ((125, 170, 228), GRADIENT),
    'person': ((170, 62, 72), FLAT),
    'rider': ((198, 48, 46), FLAT),
    'car': ((42, 55, 150), FLAT),
    'truck': ((32, 82, 112), FLAT),
    'bus': ((40, 122, 140), WINDOWS),
    'train': ((88, 112, 108), WINDOWS),
    'motorcycle': ((120, 42, 160), FLAT),
    'bicycle': ((140, 24, 74), FLAT),
}


@dataclass(frozen=True)
class Looks:
    """Per label value (0..255) mean RGB colour and texture kind."""
    colors: np.ndarray
    textures: np.ndarray

    @classmethod
    def for_label_set(cls, label_set: LabelSet) -> 'Looks':
        # A fixed seed: classes look the same whatever the data seed is.
        rng = np.random.default_rng(20220728)
        colors = rng.uniform(30, 225, (256, 3))
        textures = rng.integers(0, 6, 256)
        # Reversed: when roles share a value, the first role's look wins.
        for role in reversed(list(_ROLE_LOOKS)):
            if role in label_set.roles:
                value = label_set.roles[role]
                colors[value], textures[value] = _ROLE_LOOKS[role]
        unlabeled = _ROLE_LOOKS['unlabeled']
        colors[label_set.void], textures[label_set.void] = unlabeled
        return cls(colors.astype(np.float32), textures)


def rasterize(polygons: Sequence[np.ndarray], size: Size) -> np.ndarray:
    """Map of the index (1-based) of the last polygon covering each pixel.

    Uses PIL's polygon filler, exactly as cityscapesscripts does.
    """
    canvas = Image.new('I', (size[1], size[0]), 0)
    draw = ImageDraw.Draw(canvas)
    for index, polygon in enumerate(polygons, 1):
        draw.polygon([tuple(p) for p in polygon.tolist()], fill=index)
    return np.asarray(canvas, dtype=np.int32)


def paint_scene(shapes: Sequence[Shape], values: Sequence[int],
                background: int, looks: Looks, size: Size,
                rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """Rasterise labelled shapes and paint a matching RGB image.

    Args:
        shapes: polygons in drawing order.
        values: the label value of each shape.
        background: label value of pixels no shape covers.
        looks: class colours and textures.
        size: (height, width).
        rng: source of randomness for colours and noise.

    Returns:
        ``(label_map, image)``: uint8 ``(H, W)`` and uint8 RGB ``(H, W, 3)``.
    """
    index = rasterize([s.polygon for s in shapes], size)
    object_values = np.array([background, *values], dtype=np.int64)
    label_map = object_values[index].astype(np.uint8)
    # Each object gets its own shade of its class colour.
    shades = looks.colors[object_values] + rng.normal(
        0, 10, (len(object_values), 3))
    image = shades.astype(np.float32)[index]
    image += _texture(looks.textures[label_map], rng)[..., None]
    image += _details(shapes, index, size)[..., None]
    image = image * rng.uniform(0.75, 1.2) + rng.normal(0, 8, 3)
    image += rng.normal(0, 6, image.shape)
    image = cv2.GaussianBlur(image, (3, 3), 0.8)
    return label_map, image.clip(0, 255).astype(np.uint8)


def _texture(kinds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Brightness offsets of each pixel's texture kind."""
    h, w = kinds.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    smooth = cv2.resize(
        rng.normal(0, 1, (max(h // 16, 2), max(w // 16, 2))).astype(
            np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    period = max(4.0, h / rng.uniform(12, 24))
    fields = {
        FLAT: lambda: 6 * smooth,
        GRAIN: lambda: 5 * smooth + 9 * rng.normal(0, 1, (h, w)),
        BLOTCH: lambda: 28 * smooth,
        WINDOWS: lambda: -40 * ((np.sin(2 * np.pi * xx / period) > 0.2)
                                & (np.sin(2 * np.pi * yy / period) > 0.2)),
        GRADIENT: lambda: 40 * (0.5 - yy / h),
        STRIPES: lambda: 25 * np.sign(np.sin(2 * np.pi * xx / period * 2)),
    }
    out = np.zeros((h, w), dtype=np.float32)
    for kind in np.unique(kinds):
        mask = kinds == kind
        out[mask] = fields[int(kind)]()[mask]
    return out


def _details(shapes, index, size) -> np.ndarray:
    """Brightness offsets of the image-only details (cv2 drawn)."""
    tone = np.zeros(size, dtype=np.float32)
    owner = np.zeros(size, dtype=np.int32)
    for k, shape in enumerate(shapes, 1):
        for polygon, value in shape.details:
            pts = [polygon.astype(np.int32)]
            cv2.fillPoly(tone, pts, float(value))
            cv2.fillPoly(owner, pts, k)
    return np.where(owner == index, tone, 0)
