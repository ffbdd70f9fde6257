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
