"""Synthetic datasets in the on-disk layouts of the real benchmarks.

Every image is a street scene: an ordered list of labelled polygons where
later polygons cover earlier ones. The polygons are rasterised with PIL's
polygon filler, the one cityscapesscripts' ``json2labelImg`` uses, so the
written Cityscapes ``*_gtFine_polygons.json`` files reproduce the written
label images pixel for pixel. (``cv2.fillPoly`` rounds edges differently,
so OpenCV only draws image-only details such as lane marks and windows.)

Scene roles are Cityscapes label names; a :class:`LabelSet` maps them to
the label values of each dataset, and datasets with more classes than a
street holds get extra "clutter" objects cycling through the other classes.
Everything depends only on ``seed``, the split and the image index.
"""
import json
import os.path as osp
from dataclasses import dataclass
from typing import (
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import cv2
import numpy as np
from cityscapesscripts.helpers.labels import labels as cs_labels
from mmengine.utils import mkdir_or_exist
from PIL import Image, ImageDraw

Size = Tuple[int, int]

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

# Unit outlines (u rightwards, v upwards from the ground line) and their
# height / width ratio.
_OUTLINES = {
    'car': (0.55, ((0, 0), (0, .45), (.2, .55), (.3, 1), (.72, 1),
                   (.85, .55), (1, .45), (1, 0))),
    'truck': (0.85, ((0, 0), (0, 1), (.68, 1), (.68, .75), (.88, .72),
                     (1, .45), (1, 0))),
    'bus': (0.75, ((0, 0), (0, .94), (.04, 1), (.96, 1), (1, .94), (1, 0))),
    'train': (0.2, ((0, 0), (0, .85), (.06, 1), (1, 1), (1, 0))),
    'person': (2.6, ((.25, 0), (.4, .45), (.5, .38), (.6, .45), (.75, 0),
                     (.85, .04), (.75, .5), (.85, .8), (.62, .85),
                     (.66, .96), (.5, 1), (.34, .96), (.38, .85), (.15, .8),
                     (.25, .5), (.15, .04))),
}
# Vehicle width at the bottom row, as a fraction of the image width.
_VEHICLE_WIDTH = {'car': 0.32, 'truck': 0.4, 'bus': 0.48}


class Shape(NamedTuple):
    """One labelled polygon of a scene.

    ``details`` are ``(polygon, tone)`` pairs brightened (tone > 0) or
    darkened in the image only, inside the visible part of this shape.
    """
    label: str
    polygon: np.ndarray
    details: tuple = ()


@dataclass(frozen=True)
class LabelSet:
    """How scene roles become the label values of one dataset.

    Args:
        roles: street role (Cityscapes label name) -> label value.
        void: value of unmapped roles and of pixels no polygon covers.
        classes: all class values; those no role uses are drawn as clutter.
    """
    roles: Mapping[str, int]
    void: int
    classes: Sequence[int] = ()

    def value(self, role: str) -> int:
        return self.roles.get(role, self.void)

    @property
    def clutter(self) -> List[int]:
        used = set(self.roles.values())
        return [c for c in self.classes if c not in used]


# ---------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _Street:
    """Perspective frame of one street scene."""
    height: int
    width: int
    horizon: int
    vanish_x: float
    road_left: float
    road_right: float

    def ground_y(self, depth: float) -> float:
        """Row of a ground point at ``depth`` (0 horizon, 1 bottom row)."""
        return self.horizon + depth * (self.height - 1 - self.horizon)

    def scale(self, y: float) -> float:
        """Apparent size at row ``y`` relative to the bottom row."""
        return (y - self.horizon) / max(self.height - 1 - self.horizon, 1)

    def road_edges(self, y: float) -> Tuple[float, float]:
        """Left and right road edge at row ``y``."""
        t = self.scale(y)
        half = 0.01 * self.width
        left = self.vanish_x - half + t * (self.road_left - self.vanish_x)
        right = self.vanish_x + half + t * (self.road_right - self.vanish_x)
        return left, right


def _to_pixels(points, st: _Street) -> np.ndarray:
    """Round points to pixels and clamp them into the image."""
    pts = np.rint(np.asarray(points, dtype=np.float64)).astype(np.int64)
    pts[:, 0] = pts[:, 0].clip(0, st.width - 1)
    pts[:, 1] = pts[:, 1].clip(0, st.height - 1)
    return pts


def _box(x0, y0, x1, y1) -> List[Tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _blob(rng, cx, cy, rx, ry, jitter=0.15, n=12) -> np.ndarray:
    """A jittered ellipse polygon."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radius = 1 + rng.uniform(-jitter, jitter, n)
    return np.stack([cx + rx * radius * np.cos(angles),
                     cy + ry * radius * np.sin(angles)], axis=1)


def _place(kind: str, x0: float, y_bottom: float, width: float):
    """Scale the unit outline ``kind`` to a box standing on ``y_bottom``."""
    aspect, outline = _OUTLINES[kind]
    pts = np.asarray(outline, dtype=np.float64)
    return np.stack([x0 + pts[:, 0] * width,
                     y_bottom - pts[:, 1] * width * aspect], axis=1)


def _side_band(st, side, near_top, near_bottom, far_x) -> np.ndarray:
    """A band from the image side (rows near_top..near_bottom) that
    converges towards the horizon at column ``far_x`` (left side)."""
    far_top = st.horizon - 0.15 * (near_bottom - near_top)
    pts = np.array([(0, near_top), (far_x, far_top), (far_x, st.horizon),
                    (0, near_bottom)], dtype=np.float64)
    if side == 'right':
        pts[:, 0] = st.width - 1 - pts[:, 0]
    return pts


# ---------------------------------------------------------- street scene


class _Chooser:
    """Decides whether a scene gets an optional role."""

    def __init__(self, rng: np.random.Generator, forced: Sequence[str]):
        self.rng = rng
        self.forced = frozenset(forced)

    def __call__(self, role: str, prob: float) -> bool:
        return role in self.forced or self.rng.random() < prob


def street_scene(rng: np.random.Generator, height: int, width: int,
                 forced: Sequence[str] = ()) -> List[Shape]:
    """Random street scene as polygons in drawing order.

    Args:
        rng: source of randomness.
        height, width: image size in pixels.
        forced: roles that must appear (e.g. ``('train',)``).

    Returns:
        Shapes whose labels are Cityscapes label names.
    """
    horizon = int(height * rng.uniform(0.38, 0.52))
    st = _Street(height, width, horizon,
                 vanish_x=width * rng.uniform(0.35, 0.65),
                 road_left=width * rng.uniform(-0.3, 0.12),
                 road_right=width * rng.uniform(0.88, 1.3))

    want = _Chooser(rng, forced)
    shapes = _background(rng, st, want) + _ground(rng, st, want)
    shapes += _street_furniture(rng, st, want)
    movers = _traffic(rng, st, want) + _pedestrians(rng, st, want)
    for _, group in sorted(movers, key=lambda item: item[0]):
        shapes += group
    if want('ego vehicle', 0.4):
        e = 0.08 * height
        hood = [(0, height - 1), (0, height - 1 - e),
                (0.2 * width, height - 1.5 * e),
                (0.8 * width, height - 1.5 * e),
                (width - 1, height - 1 - e), (width - 1, height - 1)]
        shapes.append(_shape(st, 'ego vehicle', hood))
    return shapes


def _shape(st, label, points, details=()) -> Shape:
    return Shape(label, _to_pixels(points, st),
                 tuple((_to_pixels(p, st), tone) for p, tone in details))


def _background(rng, st, want) -> List[Shape]:
    """Sky, buildings, trees and walls above the horizon."""
    h, w, hz = st.height, st.width, st.horizon
    shapes = [_shape(st, 'sky', _box(0, 0, w - 1, hz + 2))]
    x = -rng.uniform(0, 0.1) * w
    while x < w:
        bw = rng.uniform(0.1, 0.3) * w
        if rng.random() < 0.85:
            top = hz * rng.uniform(0.0, 0.7)
            pts = _box(x, top, x + bw, hz + 2)
            if rng.random() < 0.3:  # a gable roof
                pts.insert(1, (x + bw / 2, top - 0.12 * bw))
            shapes.append(_shape(st, 'building', pts))
        x += bw
    if want('vegetation', 0.9):
        for _ in range(rng.integers(1, 5)):
            r = h * rng.uniform(0.06, 0.16)
            cx, cy = rng.uniform(0, w), hz - r * rng.uniform(0.3, 1.3)
            trunk = _box(cx - 0.08 * r, cy, cx + 0.08 * r, hz + 0.3 * r)
            shapes.append(_shape(st, 'vegetation', trunk))
            shapes.append(_shape(st, 'vegetation',
                                 _blob(rng, cx, cy, r * 1.2, r, 0.2)))
    if want('wall', 0.25):
        x0 = rng.uniform(0, 0.7) * w
        top = hz - h * rng.uniform(0.04, 0.12)
        shapes.append(_shape(
            st, 'wall', _box(x0, top, x0 + rng.uniform(0.15, 0.4) * w,
                             hz + 0.02 * h)))
    return shapes


def _ground(rng, st, want) -> List[Shape]:
    """Sidewalks, road with lane marks, terrain, fences and void patches."""
    h, w, hz = st.height, st.width, st.horizon
    # Without an ego vehicle the bottom rows often stay 'unlabeled' (id 0).
    gap = max(1, h // 64) if rng.random() < 0.7 else 0
    bottom = h - 1 - gap
    shapes = [_shape(st, 'sidewalk', _box(0, hz, w - 1, bottom))]
    for role, prob in (('terrain', 0.45), ('fence', 0.35)):
        if want(role, prob):
            side = 'left' if rng.random() < 0.5 else 'right'
            near = st.ground_y(rng.uniform(0.1, 0.35))
            far_x = st.vanish_x * rng.uniform(0.5, 0.9)
            if side == 'right':
                far_x = (w - st.vanish_x) * rng.uniform(0.5, 0.9)
            top = near - (0.3 * (h - hz) if role == 'fence' else 0.08 * h)
            shapes.append(_shape(st, role,
                                 _side_band(st, side, top, near, far_x)))
    left, right = st.road_edges(bottom)
    top_left, top_right = st.road_edges(hz)
    road = [(left, bottom), (top_left, hz), (top_right, hz), (right, bottom)]
    shapes.append(_shape(st, 'road', road,
                         [(d, 70.0) for d in _lane_dashes(st, bottom)]))
    if want('parking', 0.15):
        y0, y1 = st.ground_y(0.3), st.ground_y(0.6)
        (l0, _), (l1, _) = st.road_edges(y0), st.road_edges(y1)
        shapes.append(_shape(st, 'parking', [(l0, y0), (l0 + 0.1 * w, y0),
                                             (l1 + 0.15 * w, y1), (l1, y1)]))
    if want('ground', 0.15):
        y = st.ground_y(rng.uniform(0.2, 0.8))
        shapes.append(_shape(st, 'ground', _blob(
            rng, rng.uniform(0, w), y, 0.06 * w, 0.03 * h)))
    return shapes


def _lane_dashes(st, bottom) -> List[np.ndarray]:
    """Centre-line dashes of the road, narrowing towards the horizon."""
    dashes = []
    for start in np.arange(0.05, 1.0, 0.16):
        quad = []
        for t, sign in ((start, -1), (start + 0.08, -1), (start + 0.08, 1),
                        (start, 1)):
            y = st.horizon + t * t * (bottom - st.horizon)
            left, right = st.road_edges(y)
            half = max(0.5, 0.006 * st.width * t)
            quad.append(((left + right) / 2 + sign * half, y))
        dashes.append(np.array(quad))
    return dashes


def _sidewalk_x(rng, st, y, size) -> Optional[float]:
    """Left x of an object of width ``size`` on a random sidewalk, or None
    when the sidewalk is too narrow at row ``y``."""
    left, right = st.road_edges(y)
    if rng.random() < 0.5 and left - size > 0:
        return rng.uniform(0, left - size)
    if st.width - 1 - size > right:
        return rng.uniform(right, st.width - 1 - size)
    return None


def _street_furniture(rng, st, want) -> List[Shape]:
    """Poles with traffic signs / lights, and static void objects."""
    shapes = []
    hz = st.horizon
    carried = [role for role, prob in (('traffic sign', 0.8),
                                       ('traffic light', 0.35))
               if want(role, prob)]
    for k in range(max(int(rng.integers(1, 4)), len(carried))):
        d = rng.uniform(0.15, 0.7)
        y = st.ground_y(d)
        pw = max(2.0, 0.012 * st.width * d)
        x = _sidewalk_x(rng, st, y, pw)
        if x is None:
            continue
        top = y - (y - hz) * rng.uniform(2.5, 4.0)
        shapes.append(_shape(st, 'pole', _box(x, top, x + pw, y)))
        carries = carried[k] if k < len(carried) else None
        if carries == 'traffic sign':
            shapes.append(_traffic_sign(rng, st, x + pw / 2, top, pw))
        elif carries == 'traffic light':
            lamps = [(_blob(rng, x + pw / 2, top + pw * (1.2 + 1.6 * i),
                            pw * 0.6, pw * 0.6, 0.0, 8), 60.0)
                     for i in range(3)]
            shapes.append(_shape(st, 'traffic light', _box(
                x - pw * 0.5, top, x + pw * 1.5, top + pw * 5), lamps))
    if want('static', 0.35):
        y = st.ground_y(rng.uniform(0.3, 0.9))
        size = 0.05 * st.width
        x = _sidewalk_x(rng, st, y, size)
        if x is not None:
            shapes.append(_shape(st, 'static', _box(x, y - size, x + size, y)))
    return shapes


def _traffic_sign(rng, st, cx, top, pole_width) -> Shape:
    r = pole_width * rng.uniform(2.0, 3.5)
    kind = rng.integers(3)
    if kind == 0:  # round
        pts = _blob(rng, cx, top, r, r, 0.0, 10)
    elif kind == 1:  # warning triangle
        pts = [(cx - r, top + r * 0.6), (cx, top - r), (cx + r, top + r * 0.6)]
    else:  # rectangular plate
        pts = _box(cx - 1.4 * r, top - r * 0.7, cx + 1.4 * r, top + r * 0.7)
    return _shape(st, 'traffic sign', pts)


def _traffic(rng, st, want) -> List[Tuple[float, List[Shape]]]:
    """Vehicles and two-wheelers on the road as ``(ground row, shapes)``."""
    kinds = ['car'] * int(rng.integers(1, 5))
    kinds += [k for k, p in (('truck', 0.2), ('bus', 0.15)) if want(k, p)]
    movers = []
    for kind in kinds:
        y = st.ground_y(rng.uniform(0.1, 1.05))
        left, right = st.road_edges(y)
        vw = _VEHICLE_WIDTH[kind] * st.width * st.scale(y)
        x = rng.uniform(left, max(left, right - vw))
        body = _place(kind, x, y, vw)
        wheel_r = 0.09 * vw
        details = [(_blob(rng, x + u * vw, y - wheel_r, wheel_r, wheel_r,
                          0.0, 8), -60.0) for u in (0.18, 0.82)]
        if kind == 'car':
            vh = vw * _OUTLINES['car'][0]
            glass = [(x + u * vw, y - v * vh) for u, v in (
                (.24, .55), (.82, .55), (.7, .92), (.33, .92))]
            details.append((glass, -45.0))
        movers.append((y, [_shape(st, kind, body, details)]))
    if want('train', 0.05):
        y = st.ground_y(rng.uniform(0.05, 0.2))
        tw = st.width * rng.uniform(0.4, 0.7)
        x = rng.uniform(0, st.width - tw)
        track = _box(x - 0.05 * tw, y - 2, x + 1.05 * tw,
                     y + 0.03 * st.height)
        train = _place('train', x, y, tw)
        movers.append((y - 1, [_shape(st, 'rail track', track),
                               _shape(st, 'train', train)]))
    wheelers = [k for k, p in (('bicycle', 0.3), ('motorcycle', 0.15))
                if want(k, p)]
    if not wheelers and 'rider' in want.forced:
        wheelers = ['bicycle']
    for kind in wheelers:
        ridden = want('rider', 0.6)
        movers.append(_two_wheeler(rng, st, kind, ridden))
    return movers


def _two_wheeler(rng, st, kind, ridden) -> Tuple[float, List[Shape]]:
    """A bicycle or motorcycle, optionally with its rider, near the kerb."""
    y = st.ground_y(rng.uniform(0.2, 0.95))
    left, right = st.road_edges(y)
    bw = (0.14 if kind == 'motorcycle' else 0.11) * st.width * st.scale(y)
    x = rng.uniform(left, max(left, right - bw))
    r = 0.22 * bw
    shapes = [_shape(st, kind, _blob(rng, x + u * bw, y - r, r, r, 0.0, 10))
              for u in (0.22, 0.78)]
    thick = 0.25 * r if kind == 'bicycle' else 0.9 * r
    frame = [(x + 0.22 * bw, y - r - thick), (x + 0.45 * bw, y - 2.1 * r),
             (x + 0.78 * bw, y - r - thick), (x + 0.78 * bw, y - r),
             (x + 0.45 * bw, y - 2.1 * r + thick), (x + 0.22 * bw, y - r)]
    shapes.append(_shape(st, kind, frame))
    if ridden:
        shapes.append(_shape(st, 'rider', _place(
            'person', x + 0.2 * bw, y - 1.6 * r, 0.55 * bw)))
    return y, shapes


def _pedestrians(rng, st, want) -> List[Tuple[float, List[Shape]]]:
    """People on the sidewalks, and sometimes a void 'dynamic' object."""
    movers = []
    count = int(rng.integers(1, 4)) if want('person', 0.85) else 0
    for _ in range(count):
        y = st.ground_y(rng.uniform(0.1, 0.95))
        ph = (y - st.horizon) * rng.uniform(0.8, 1.3)
        pw = ph / _OUTLINES['person'][0]
        x = _sidewalk_x(rng, st, y, pw)
        if x is not None:
            movers.append((y, [_shape(st, 'person',
                                      _place('person', x, y, pw))]))
    if want('dynamic', 0.15):
        y = st.ground_y(rng.uniform(0.3, 0.9))
        size = 0.04 * st.width
        x = _sidewalk_x(rng, st, y, size)
        if x is not None:
            movers.append((y, [_shape(st, 'dynamic', _blob(
                rng, x + size / 2, y - size / 2, size / 2, size / 2))]))
    return movers


def clutter(rng: np.random.Generator, height: int, width: int,
            values: Sequence[int]) -> List[Tuple[int, Shape]]:
    """Free-standing objects of the given label values.

    Returns:
        ``(value, shape)`` pairs with the shape label ``'clutter'``.
    """
    st = _Street(height, width, height // 2, width / 2, 0, width)
    pairs = []
    for value in values:
        s = min(height, width) * rng.uniform(0.08, 0.3)
        cx, cy = rng.uniform(0, width), rng.uniform(0.1, 1.0) * height
        kind = rng.integers(4)
        if kind == 0:
            pts = _blob(rng, cx, cy, s, s * rng.uniform(0.5, 1.2), 0.25)
        elif kind == 1:
            pts = _box(cx - s, cy - s * 0.6, cx + s, cy + s * 0.6)
        else:
            pts = _place(('car', 'person')[kind - 2], cx - s / 2, cy, s)
        pairs.append((int(value), _shape(st, 'clutter', pts)))
    return pairs


# ---------------------------------------------------------------- painter


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


# ------------------------------------------------------------- datasets


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
