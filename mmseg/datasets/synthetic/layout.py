"""Layout of a synthetic street scene: what is where.

A scene is an ordered list of :class:`Shape` (a labelled polygon in pixel
coordinates); later shapes cover earlier ones. Labels are Cityscapes label
names ("roles"); a :class:`LabelSet` maps them to one dataset's values.
Nothing here draws pixels (see :mod:`.render`).
"""
from dataclasses import dataclass
from typing import List, Mapping, NamedTuple, Optional, Sequence, Tuple

import numpy as np

Size = Tuple[int, int]

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
