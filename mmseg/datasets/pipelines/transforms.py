"""Geometric and photometric transforms of images and label maps."""
from typing import List, Optional, Sequence, Tuple

import mmcv
import numpy as np
from mmengine.utils import deprecated_api_warning

from mmseg.registry import TRANSFORMS
from mmseg.utils.errors import InvalidArgumentError

Scale = Tuple[int, int]


def _as_scale_list(img_scale) -> Optional[List[Scale]]:
    """``None``, one ``(w, h)`` tuple or a list of them -> list or None."""
    if img_scale is None:
        return None
    scales = img_scale if isinstance(img_scale, list) else [img_scale]
    for scale in scales:
        if not isinstance(scale, (tuple, list)) or len(scale) != 2:
            raise InvalidArgumentError(
                'img_scale must be a (long, short) tuple or a '
                             f'list of them, got {img_scale!r}')
    return [tuple(scale) for scale in scales]


def _sample_in_range(scales: List[Scale]) -> Scale:
    """Long and short edges drawn uniformly between two bounding scales."""
    longs = [max(s) for s in scales]
    shorts = [min(s) for s in scales]
    long_edge = np.random.randint(min(longs), max(longs) + 1)
    short_edge = np.random.randint(min(shorts), max(shorts) + 1)
    return long_edge, short_edge


def _sample_ratio(base: Scale, ratio_range: Tuple[float, float]) -> Scale:
    """``base`` times a ratio drawn uniformly from ``ratio_range``."""
    low, high = ratio_range
    ratio = np.random.random_sample() * (high - low) + low
    return int(base[0] * ratio), int(base[1] * ratio)


def _min_size_scale(img: np.ndarray, scale: Scale, min_size: int):
    """A rescale target whose short edge is ``max(min(scale), min_size)``."""
    new_short = max(min(scale), min_size)
    h, w = img.shape[:2]
    if h > w:
        return new_short * h / w, new_short
    return new_short, new_short * w / h


@TRANSFORMS.register_module()
class Resize:
    """Resize the image and the maps of ``seg_fields`` to a target scale.

    The target is ``results['scale']`` when present (test-time
    augmentation sets it), otherwise it is chosen from the arguments:

    * ``ratio_range`` given: ``img_scale`` (or, if None, the image's own
      ``(w, h)``) times a ratio drawn from the range;
    * one ``img_scale``: that scale;
    * several, ``multiscale_mode='range'``: long and short edges drawn
      between those of the first two scales;
    * several, ``multiscale_mode='value'``: one of them at random.

    With ``keep_ratio`` the image is rescaled as large as possible within
    the scale (``mmcv.imrescale``), else resized to exactly it. Label maps
    use nearest interpolation.

    Args:
        img_scale: ``(long, short)`` scale(s).
        multiscale_mode: 'range' or 'value'.
        ratio_range: ``(min_ratio, max_ratio)``.
        keep_ratio: Keep the aspect ratio.
        min_size: With ``keep_ratio``, the smallest short edge.
    """

    def __init__(self,
                 img_scale=None,
                 multiscale_mode: str = 'range',
                 ratio_range: Optional[Tuple[float, float]] = None,
                 keep_ratio: bool = True,
                 min_size: Optional[int] = None):
        self.img_scale = _as_scale_list(img_scale)
        if ratio_range is not None:
            if self.img_scale is not None and len(self.img_scale) != 1:
                raise InvalidArgumentError('Resize with ratio_range takes one '
                                 f'img_scale or None, got {img_scale!r}')
            if ratio_range[0] > ratio_range[1]:
                raise InvalidArgumentError(
                    'ratio_range must be (min, max), got '
                                 f'{ratio_range!r}')
        elif multiscale_mode not in ('range', 'value'):
            raise InvalidArgumentError(
                "multiscale_mode must be 'range' or 'value', "
                             f'got {multiscale_mode!r}')
        elif multiscale_mode == 'range' and len(self.img_scale or []) > 2:
            raise InvalidArgumentError(
                "multiscale_mode='range' takes two bounding "
                             f'scales, got {img_scale!r}')
        self.multiscale_mode = multiscale_mode
        self.ratio_range = ratio_range
        self.keep_ratio = keep_ratio
        self.min_size = min_size

    def _random_scale(self, img: np.ndarray) -> Tuple[Scale, Optional[int]]:
        """The target scale and its index in ``img_scale`` (if chosen)."""
        if self.ratio_range is not None:
            if self.img_scale is None:
                base = img.shape[1], img.shape[0]
            else:
                base = self.img_scale[0]
            return _sample_ratio(base, self.ratio_range), None
        if self.img_scale is None:
            raise InvalidArgumentError(
                'Resize needs img_scale or ratio_range unless '
                             "results['scale'] is set (MultiScaleFlipAug)")
        if len(self.img_scale) == 1:
            return self.img_scale[0], 0
        if self.multiscale_mode == 'range':
            return _sample_in_range(self.img_scale), None
        idx = np.random.randint(len(self.img_scale))
        return self.img_scale[idx], idx

    def _resize_img(self, results: dict) -> None:
        img = results['img']
        h, w = img.shape[:2]
        if self.keep_ratio:
            if self.min_size is not None:
                results['scale'] = _min_size_scale(img, results['scale'],
                                                   self.min_size)
            resized = mmcv.imrescale(img, results['scale'])
            # factors of the rounded size, not imrescale's single factor
            w_scale, h_scale = resized.shape[1] / w, resized.shape[0] / h
        else:
            resized, w_scale, h_scale = mmcv.imresize(
                img, results['scale'], return_scale=True)
        results['img'] = resized
        results['img_shape'] = resized.shape
        results['pad_shape'] = resized.shape  # until Pad changes it
        results['scale_factor'] = np.array(
            [w_scale, h_scale, w_scale, h_scale], dtype=np.float32)
        results['keep_ratio'] = self.keep_ratio

    def _resize_seg(self, results: dict) -> None:
        resize = mmcv.imrescale if self.keep_ratio else mmcv.imresize
        for key in results.get('seg_fields', []):
            results[key] = resize(results[key], results['scale'],
                                  interpolation='nearest')

    def __call__(self, results: dict) -> dict:
        if 'scale' not in results:
            results['scale'], results['scale_idx'] = self._random_scale(
                results['img'])
        self._resize_img(results)
        self._resize_seg(results)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(img_scale={self.img_scale}, '
                f"multiscale_mode='{self.multiscale_mode}', "
                f'ratio_range={self.ratio_range}, '
                f'keep_ratio={self.keep_ratio}, min_size={self.min_size})')


@TRANSFORMS.register_module()
class ResizeToMultiple:
    """Resize the image (and label maps) up to multiples of a divisor.

    Each side becomes the smallest multiple of ``size_divisor`` not below it,
    as transformer backbones with strided patches need.

    Args:
        size_divisor: The divisor.
        interpolation: Image interpolation (default bilinear); label maps
            always use nearest.
    """

    def __init__(self, size_divisor: int = 32,
                 interpolation: Optional[str] = None):
        self.size_divisor = size_divisor
        self.interpolation = interpolation

    def __call__(self, results: dict) -> dict:
        img = mmcv.imresize_to_multiple(
            results['img'], self.size_divisor, scale_factor=1,
            interpolation=self.interpolation or 'bilinear')
        results['img'] = img
        results['img_shape'] = img.shape
        results['pad_shape'] = img.shape
        for key in results.get('seg_fields', []):
            results[key] = mmcv.imresize_to_multiple(
                results[key], self.size_divisor, scale_factor=1,
                interpolation='nearest')
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(size_divisor={self.size_divisor}, '
                f'interpolation={self.interpolation})')


@TRANSFORMS.register_module()
class RandomFlip:
    """Flip the image and the maps of ``seg_fields`` with probability
    ``prob``.

    A ``flip`` (and ``flip_direction``) already in ``results`` is obeyed,
    which is how test-time augmentation asks for flipped views.

    Args:
        prob: Flip probability (may be None if ``flip`` is always given).
        direction: 'horizontal' or 'vertical'.
    """

    @deprecated_api_warning({'flip_ratio': 'prob'}, cls_name='RandomFlip')
    def __init__(self, prob: Optional[float] = None,
                 direction: str = 'horizontal'):
        if prob is not None and not 0 <= prob <= 1:
            raise InvalidArgumentError(
                f'RandomFlip prob must be in [0, 1], got {prob}')
        if direction not in ('horizontal', 'vertical'):
            raise InvalidArgumentError(
                "RandomFlip direction must be 'horizontal' or "
                             f"'vertical', got {direction!r}")
        self.prob = prob
        self.direction = direction

    def __call__(self, results: dict) -> dict:
        if 'flip' not in results:
            if self.prob is None:
                raise InvalidArgumentError('RandomFlip needs prob unless '
                                 "results['flip'] is set (MultiScaleFlipAug)")
            results['flip'] = bool(np.random.rand() < self.prob)
        direction = results.setdefault('flip_direction', self.direction)
        if results['flip']:
            results['img'] = mmcv.imflip(results['img'], direction=direction)
            for key in results.get('seg_fields', []):
                # copy: a flipped view has negative strides
                results[key] = mmcv.imflip(results[key],
                                           direction=direction).copy()
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, '
                f"direction='{self.direction}')")


def _per_channel(img: np.ndarray, value):
    """``value`` for every channel: OpenCV fills only the first channel of
    a multi-channel image with a plain number."""
    if img.ndim == 3 and np.isscalar(value):
        return (value, ) * img.shape[2]
    return value


@TRANSFORMS.register_module()
class Pad:
    """Pad the image and the maps of ``seg_fields`` at the bottom/right.

    Either to a fixed ``size`` (``(h, w)``; larger images are left as they
    are) or to the next multiple of ``size_divisor``. Sets ``pad_shape``,
    ``pad_fixed_size`` and ``pad_size_divisor``.

    Args:
        size: Fixed ``(h, w)`` to pad to.
        size_divisor: Divisor of the padded height and width.
        pad_val: Image padding value.
        seg_pad_val: Label map padding value.
    """

    def __init__(self,
                 size: Optional[Tuple[int, int]] = None,
                 size_divisor: Optional[int] = None,
                 pad_val: float = 0,
                 seg_pad_val: float = 255):
        if (size is None) == (size_divisor is None):
            raise InvalidArgumentError('Pad takes exactly one of size and '
                             f'size_divisor, got size={size!r}, '
                             f'size_divisor={size_divisor!r}')
        self.size = size
        self.size_divisor = size_divisor
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val

    def __call__(self, results: dict) -> dict:
        img = results['img']
        pad_val = _per_channel(img, self.pad_val)
        if self.size is not None:
            img = mmcv.impad(img, shape=self.size, pad_val=pad_val)
        else:
            img = mmcv.impad_to_multiple(img, self.size_divisor,
                                         pad_val=pad_val)
        results['img'] = img
        results['pad_shape'] = img.shape
        results['pad_fixed_size'] = self.size
        results['pad_size_divisor'] = self.size_divisor
        for key in results.get('seg_fields', []):
            seg = results[key]
            results[key] = mmcv.impad(
                seg, shape=img.shape[:2],
                pad_val=_per_channel(seg, self.seg_pad_val))
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(size={self.size}, '
                f'size_divisor={self.size_divisor}, pad_val={self.pad_val}, '
                f'seg_pad_val={self.seg_pad_val})')


@TRANSFORMS.register_module()
class Normalize:
    """``(img - mean) / std`` in float32, optionally BGR -> RGB first.

    Records the parameters in ``img_norm_cfg``.

    Args:
        mean: Per-channel mean.
        std: Per-channel standard deviation.
        to_rgb: Convert BGR to RGB before normalising.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float],
                 to_rgb: bool = True):
        self.mean = np.array(mean, dtype=np.float32)
        self.std = np.array(std, dtype=np.float32)
        self.to_rgb = to_rgb

    def __call__(self, results: dict) -> dict:
        results['img'] = mmcv.imnormalize(results['img'], self.mean,
                                          self.std, self.to_rgb)
        results['img_norm_cfg'] = dict(mean=self.mean, std=self.std,
                                       to_rgb=self.to_rgb)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(mean={self.mean.tolist()}, '
                f'std={self.std.tolist()}, to_rgb={self.to_rgb})')


@TRANSFORMS.register_module()
class RandomCrop:
    """Crop a random ``crop_size`` window of the image and the label maps.

    With ``cat_max_ratio < 1`` up to 10 windows are redrawn until one holds
    at least two classes, none covering ``cat_max_ratio`` or more of the
    labelled (non-``ignore_index``) pixels; otherwise the last draw is kept.
    An image smaller than the window is cropped to its own extent.

    Args:
        crop_size: ``(h, w)`` of the window.
        cat_max_ratio: Largest share of one class in the window.
        ignore_index: Label not counted in the class shares.
    """

    retries = 10

    def __init__(self, crop_size: Tuple[int, int],
                 cat_max_ratio: float = 1.,
                 ignore_index: int = 255):
        if crop_size[0] <= 0 or crop_size[1] <= 0:
            raise InvalidArgumentError(
                'RandomCrop crop_size (h, w) must be positive, '
                             f'got {crop_size!r}')
        self.crop_size = crop_size
        self.cat_max_ratio = cat_max_ratio
        self.ignore_index = ignore_index

    def random_window(self, img: np.ndarray) -> Tuple[slice, slice]:
        """Row and column slices of a random window inside ``img``."""
        crop_h, crop_w = self.crop_size
        top = np.random.randint(0, max(img.shape[0] - crop_h, 0) + 1)
        left = np.random.randint(0, max(img.shape[1] - crop_w, 0) + 1)
        return slice(top, top + crop_h), slice(left, left + crop_w)

    def _is_balanced(self, seg: np.ndarray) -> bool:
        labels, counts = np.unique(seg, return_counts=True)
        counts = counts[labels != self.ignore_index]
        return len(counts) > 1 and \
            counts.max() / counts.sum() < self.cat_max_ratio

    def __call__(self, results: dict) -> dict:
        window = self.random_window(results['img'])
        if self.cat_max_ratio < 1.:
            for _ in range(self.retries):
                if self._is_balanced(results['gt_semantic_seg'][window]):
                    break
                window = self.random_window(results['img'])
        results['img'] = results['img'][window]
        results['img_shape'] = results['img'].shape
        for key in results.get('seg_fields', []):
            results[key] = results[key][window]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(crop_size={self.crop_size}, '
                f'cat_max_ratio={self.cat_max_ratio}, '
                f'ignore_index={self.ignore_index})')


def _affine_uint8(img: np.ndarray, alpha: float = 1.,
                  beta: float = 0.) -> np.ndarray:
    """``img * alpha + beta`` clipped to [0, 255], as uint8."""
    out = img.astype(np.float32) * alpha + beta
    return np.clip(out, 0, 255).astype(np.uint8)


@TRANSFORMS.register_module()
class PhotoMetricDistortion:
    """Random brightness, contrast, saturation and hue changes.

    Each change happens with probability 1/2, in this order: brightness,
    contrast (when a coin says "early"), saturation, hue (both in HSV),
    contrast (when it says "late"). Values are clipped to [0, 255] and the
    image becomes uint8 wherever a change is applied.

    Args:
        brightness_delta: Largest shift added to the pixel values.
        contrast_range: Range of the pixel value factor.
        saturation_range: Range of the saturation factor.
        hue_delta: Largest hue shift (OpenCV hue units, 0-179).
    """

    def __init__(self,
                 brightness_delta: int = 32,
                 contrast_range: Tuple[float, float] = (0.5, 1.5),
                 saturation_range: Tuple[float, float] = (0.5, 1.5),
                 hue_delta: int = 18):
        self.brightness_delta = brightness_delta
        self.contrast_lower, self.contrast_upper = contrast_range
        self.saturation_lower, self.saturation_upper = saturation_range
        self.hue_delta = hue_delta

    def brightness(self, img: np.ndarray) -> np.ndarray:
        if np.random.randint(2):
            delta = self.brightness_delta
            return _affine_uint8(img, beta=np.random.uniform(-delta, delta))
        return img

    def contrast(self, img: np.ndarray) -> np.ndarray:
        if np.random.randint(2):
            alpha = np.random.uniform(self.contrast_lower,
                                      self.contrast_upper)
            return _affine_uint8(img, alpha=alpha)
        return img

    def saturation(self, img: np.ndarray) -> np.ndarray:
        if np.random.randint(2):
            alpha = np.random.uniform(self.saturation_lower,
                                      self.saturation_upper)
            hsv = mmcv.bgr2hsv(img)
            hsv[..., 1] = _affine_uint8(hsv[..., 1], alpha=alpha)
            return mmcv.hsv2bgr(hsv)
        return img

    def hue(self, img: np.ndarray) -> np.ndarray:
        if np.random.randint(2):
            shift = np.random.randint(-self.hue_delta, self.hue_delta)
            hsv = mmcv.bgr2hsv(img)
            hsv[..., 0] = (hsv[..., 0].astype(int) + shift) % 180
            return mmcv.hsv2bgr(hsv)
        return img

    def __call__(self, results: dict) -> dict:
        img = self.brightness(results['img'])
        contrast_first = np.random.randint(2) == 1
        if contrast_first:
            img = self.contrast(img)
        img = self.hue(self.saturation(img))
        if not contrast_first:
            img = self.contrast(img)
        results['img'] = img
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}('
                f'brightness_delta={self.brightness_delta}, '
                f'contrast_range=({self.contrast_lower}, '
                f'{self.contrast_upper}), '
                f'saturation_range=({self.saturation_lower}, '
                f'{self.saturation_upper}), hue_delta={self.hue_delta})')


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidArgumentError(message)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@TRANSFORMS.register_module()
class Rerange:
    """Stretch the image's values linearly onto [min_value, max_value].

    Args:
        min_value: Value the image's minimum maps to.
        max_value: Value the image's maximum maps to.
    """

    def __init__(self, min_value: float = 0, max_value: float = 255):
        _check(_is_number(min_value) and _is_number(max_value),
               f'Rerange: min_value and max_value must be numbers, got '
               f'{min_value!r}, {max_value!r}')
        _check(min_value < max_value,
               f'Rerange: min_value ({min_value}) must be below max_value '
               f'({max_value})')
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, results: dict) -> dict:
        img = results['img']
        low, high = np.min(img), np.max(img)
        _check(low < high, 'Rerange: the image is constant '
               f'({low}), there is no range to stretch')
        img = (img - low) / (high - low)
        results['img'] = img * (self.max_value - self.min_value) + \
            self.min_value
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(min_value={self.min_value}, '
                f'max_value={self.max_value})')


@TRANSFORMS.register_module()
class CLAHE:
    """Contrast-limited adaptive histogram equalisation of each channel
    (the image becomes uint8).

    Args:
        clip_limit: Contrast limit of the histograms.
        tile_grid_size: Tiles per (row, column).
    """

    def __init__(self, clip_limit: float = 40.0,
                 tile_grid_size: Tuple[int, int] = (8, 8)):
        _check(_is_number(clip_limit),
               f'CLAHE: clip_limit must be a number, got {clip_limit!r}')
        _check(isinstance(tile_grid_size, tuple) and
               len(tile_grid_size) == 2 and
               all(isinstance(n, int) for n in tile_grid_size),
               'CLAHE: tile_grid_size must be a tuple of two ints, got '
               f'{tile_grid_size!r}')
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def __call__(self, results: dict) -> dict:
        img = np.asarray(results['img'], dtype=np.uint8)
        results['img'] = np.stack([
            mmcv.clahe(img[..., i], self.clip_limit, self.tile_grid_size)
            for i in range(img.shape[2])
        ], axis=2)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(clip_limit={self.clip_limit}, '
                f'tile_grid_size={self.tile_grid_size})')


@TRANSFORMS.register_module()
class RandomRotate:
    """Rotate the image and label maps by a random angle.

    Args:
        prob: Probability of rotating.
        degree: (min, max) angle range, or a positive number d for (-d, d).
        pad_val: Fill value of the image outside the source.
        seg_pad_val: Fill value of the label maps there.
        center: Rotation centre (x, y); the image centre if None.
        auto_bound: Enlarge the output to hold the whole rotated image.
    """

    def __init__(self, prob: float, degree, pad_val: float = 0,
                 seg_pad_val: int = 255,
                 center: Optional[Tuple[float, float]] = None,
                 auto_bound: bool = False):
        _check(0 <= prob <= 1, f'RandomRotate: prob must be in [0, 1], got '
               f'{prob}')
        if _is_number(degree):
            _check(degree > 0, f'RandomRotate: degree {degree} must be '
                   'positive (or a (min, max) pair)')
            degree = (-degree, degree)
        _check(isinstance(degree, (tuple, list)) and len(degree) == 2,
               f'RandomRotate: degree must be (min, max), got {degree!r}')
        self.prob = prob
        self.degree = tuple(degree)
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val
        self.center = center
        self.auto_bound = auto_bound

    def __call__(self, results: dict) -> dict:
        rotate = np.random.rand() < self.prob
        angle = np.random.uniform(min(self.degree), max(self.degree))
        if not rotate:
            return results
        results['img'] = mmcv.imrotate(
            results['img'], angle=angle, border_value=self.pad_val,
            center=self.center, auto_bound=self.auto_bound)
        for key in results.get('seg_fields', []):
            results[key] = mmcv.imrotate(
                results[key], angle=angle, border_value=self.seg_pad_val,
                center=self.center, auto_bound=self.auto_bound,
                interpolation='nearest')
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, '
                f'degree={self.degree}, pad_val={self.pad_val}, '
                f'seg_pad_val={self.seg_pad_val}, center={self.center}, '
                f'auto_bound={self.auto_bound})')


@TRANSFORMS.register_module()
class RGB2Gray:
    """Weighted mean of the channels, repeated to ``out_channels``.

    Args:
        out_channels: Output channels; as many as the input if None.
        weights: Weight of each input channel (in the image's order).
    """

    def __init__(self, out_channels: Optional[int] = None,
                 weights: Tuple[float, ...] = (0.299, 0.587, 0.114)):
        _check(out_channels is None or out_channels > 0,
               f'RGB2Gray: out_channels must be positive, got {out_channels}')
        _check(isinstance(weights, tuple) and
               all(_is_number(w) for w in weights),
               f'RGB2Gray: weights must be a tuple of numbers, got '
               f'{weights!r}')
        self.out_channels = out_channels
        self.weights = weights

    def __call__(self, results: dict) -> dict:
        img = results['img']
        _check(img.ndim == 3 and img.shape[2] == len(self.weights),
               f'RGB2Gray: an image of shape {img.shape} does not match '
               f'{len(self.weights)} weights')
        gray = (img * np.array(self.weights).reshape(1, 1, -1)).sum(
            2, keepdims=True)
        channels = self.out_channels or len(self.weights)
        results['img'] = gray.repeat(channels, axis=2)
        results['img_shape'] = results['img'].shape
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(out_channels={self.out_channels}, '
                f'weights={self.weights})')


@TRANSFORMS.register_module()
class AdjustGamma:
    """Gamma correction ``255 * (x / 255) ** (1 / gamma)`` (uint8 result).

    Args:
        gamma: Gamma value (> 0).
    """

    def __init__(self, gamma: float = 1.0):
        _check(_is_number(gamma) and gamma > 0,
               f'AdjustGamma: gamma must be a positive number, got '
               f'{gamma!r}')
        self.gamma = gamma
        self.table = np.array([(i / 255.0)**(1.0 / gamma) * 255
                               for i in np.arange(256)]).astype('uint8')

    def __call__(self, results: dict) -> dict:
        results['img'] = mmcv.lut_transform(
            np.array(results['img'], dtype=np.uint8), self.table)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(gamma={self.gamma})'


@TRANSFORMS.register_module()
class SegRescale:
    """Rescale the label maps (nearest neighbour), e.g. for a head that
    predicts at a lower resolution.

    Args:
        scale_factor: Scale of the output.
    """

    def __init__(self, scale_factor: float = 1):
        self.scale_factor = scale_factor

    def __call__(self, results: dict) -> dict:
        if self.scale_factor != 1:
            for key in results.get('seg_fields', []):
                results[key] = mmcv.imrescale(
                    results[key], self.scale_factor, interpolation='nearest')
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale_factor={self.scale_factor})'


@TRANSFORMS.register_module()
class RandomCutOut:
    """Fill random rectangles of the image (Cutout, arXiv:1708.04552).

    Args:
        prob: Probability of cutting out.
        n_holes: Number of rectangles, or a (min, max) range.
        cutout_shape: (w, h) of a rectangle, or a list to choose from.
        cutout_ratio: (w, h) as fractions of the image, or a list; give
            either this or ``cutout_shape``.
        fill_in: Image value of the rectangles.
        seg_fill_in: Label of the rectangles (labels kept if None).
    """

    def __init__(self, prob: float, n_holes, cutout_shape=None,
                 cutout_ratio=None, fill_in=(0, 0, 0),
                 seg_fill_in: Optional[int] = None):
        _check(0 <= prob <= 1,
               f'RandomCutOut: prob must be in [0, 1], got {prob}')
        _check((cutout_shape is None) != (cutout_ratio is None),
               'RandomCutOut: give exactly one of cutout_shape and '
               'cutout_ratio')
        candidates = cutout_shape if cutout_ratio is None else cutout_ratio
        _check(isinstance(candidates, (list, tuple)),
               'RandomCutOut: cutout_shape / cutout_ratio must be a (w, h) '
               f'tuple or a list of them, got {candidates!r}')
        if isinstance(n_holes, tuple):
            _check(len(n_holes) == 2 and 0 <= n_holes[0] < n_holes[1],
                   f'RandomCutOut: n_holes must be an int or (min, max) '
                   f'with min < max, got {n_holes!r}')
        else:
            n_holes = (n_holes, n_holes)
        _check(seg_fill_in is None or (isinstance(seg_fill_in, int) and
                                       0 <= seg_fill_in <= 255),
               f'RandomCutOut: seg_fill_in must be an int in [0, 255], got '
               f'{seg_fill_in!r}')
        self.prob = prob
        self.n_holes = n_holes
        self.fill_in = fill_in
        self.seg_fill_in = seg_fill_in
        self.with_ratio = cutout_ratio is not None
        self.candidates = candidates if isinstance(candidates, list) \
            else [candidates]

    def __call__(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        h, w = results['img'].shape[:2]
        for _ in range(np.random.randint(self.n_holes[0],
                                         self.n_holes[1] + 1)):
            x1, y1 = np.random.randint(0, w), np.random.randint(0, h)
            cut_w, cut_h = self.candidates[np.random.randint(
                len(self.candidates))]
            if self.with_ratio:
                cut_w, cut_h = int(cut_w * w), int(cut_h * h)
            x2, y2 = min(x1 + cut_w, w), min(y1 + cut_h, h)
            results['img'][y1:y2, x1:x2] = self.fill_in
            if self.seg_fill_in is not None:
                for key in results.get('seg_fields', []):
                    results[key][y1:y2, x1:x2] = self.seg_fill_in
        return results

    def __repr__(self) -> str:
        kind = 'cutout_ratio' if self.with_ratio else 'cutout_shape'
        return (f'{type(self).__name__}(prob={self.prob}, '
                f'n_holes={self.n_holes}, {kind}={self.candidates}, '
                f'fill_in={self.fill_in}, seg_fill_in={self.seg_fill_in})')


def _mosaic_span(center: int, size: int, limit: int, before: bool):
    """Paste (lo, hi) on the canvas and crop (lo, hi) in the sample, along
    one axis, for a sample placed before (left/top of) or after ``center``.
    """
    if before:
        lo, hi = max(center - size, 0), center
        return (lo, hi), (size - (hi - lo), size)
    lo, hi = center, min(center + size, limit)
    return (lo, hi), (0, hi - lo)


@TRANSFORMS.register_module()
class RandomMosaic:
    """Tile four samples around a random centre on a (2h, 2w) canvas.

    The sample itself goes top-left, ``results['mix_results']`` (three
    samples, supplied by ``MultiImageMixDataset`` through
    :meth:`get_indexes`) top-right, bottom-left and bottom-right. Each is
    resized to fit (h, w) keeping its aspect ratio, and cropped at the
    canvas border.

    Args:
        prob: Probability of making a mosaic.
        img_scale: (h, w) of one tile.
        center_ratio_range: Range of the centre, relative to (h, w).
        pad_val: Image value where no sample lands.
        seg_pad_val: Label there.
    """

    def __init__(self, prob: float, img_scale: Tuple[int, int] = (640, 640),
                 center_ratio_range: Tuple[float, float] = (0.5, 1.5),
                 pad_val: float = 0, seg_pad_val: int = 255):
        _check(0 <= prob <= 1,
               f'RandomMosaic: prob must be in [0, 1], got {prob}')
        _check(isinstance(img_scale, tuple) and len(img_scale) == 2,
               f'RandomMosaic: img_scale must be an (h, w) tuple, got '
               f'{img_scale!r}')
        self.prob = prob
        self.img_scale = img_scale
        self.center_ratio_range = center_ratio_range
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val

    def get_indexes(self, dataset) -> List[int]:
        """Indexes of the three other samples (uniformly random)."""
        return [int(np.random.randint(len(dataset))) for _ in range(3)]

    def __call__(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        mixed = results.get('mix_results')
        _check(isinstance(mixed, list) and len(mixed) >= 3,
               "RandomMosaic needs results['mix_results'] with 3 samples: "
               'wrap the dataset in MultiImageMixDataset')
        h, w = self.img_scale
        center = (int(np.random.uniform(*self.center_ratio_range) * w),
                  int(np.random.uniform(*self.center_ratio_range) * h))
        samples = [results] + mixed[:3]
        results['img'] = self._tile([s['img'] for s in samples], center,
                                    self.pad_val, 'bilinear')
        for key in results.get('seg_fields', []):
            results[key] = self._tile([s[key] for s in samples], center,
                                      self.seg_pad_val, 'nearest')
        results['img_shape'] = results['ori_shape'] = results['img'].shape
        return results

    def _tile(self, arrays: List[np.ndarray], center: Tuple[int, int],
              fill, interpolation: str) -> np.ndarray:
        h, w = self.img_scale
        canvas = np.full((2 * h, 2 * w) + arrays[0].shape[2:], fill,
                         dtype=arrays[0].dtype)
        # (left of centre, above centre) for each of the four tiles
        places = ((True, True), (False, True), (True, False), (False, False))
        for array, (left, top) in zip(arrays, places):
            ratio = min(h / array.shape[0], w / array.shape[1])
            size = (int(array.shape[1] * ratio), int(array.shape[0] * ratio))
            tile = mmcv.imresize(array, size, interpolation=interpolation)
            (x1, x2), (cx1, cx2) = _mosaic_span(center[0], tile.shape[1],
                                                2 * w, left)
            (y1, y2), (cy1, cy2) = _mosaic_span(center[1], tile.shape[0],
                                                2 * h, top)
            canvas[y1:y2, x1:x2] = tile[cy1:cy2, cx1:cx2]
        return canvas

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, '
                f'img_scale={self.img_scale}, '
                f'center_ratio_range={self.center_ratio_range}, '
                f'pad_val={self.pad_val}, seg_pad_val={self.seg_pad_val})')
