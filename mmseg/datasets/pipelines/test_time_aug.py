"""Test-time augmentation: several scales and flips of one image."""
import warnings
from typing import List, Optional, Sequence, Tuple, Union

from mmseg.registry import TRANSFORMS
from mmseg.utils.errors import InvalidArgumentError

from .compose import Compose

Scale = Tuple[int, int]


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _step_types(transforms: Sequence) -> List[Optional[str]]:
    return [t.get('type') if isinstance(t, dict) else None
            for t in transforms]


def _scaled(scale: Scale, ratios: List[float]) -> List[Scale]:
    return [(int(scale[0] * r), int(scale[1] * r)) for r in ratios]


@TRANSFORMS.register_module()
class MultiScaleFlipAug:
    """Run ``transforms`` once per (scale, flip, direction) view.

    The views are ordered scale by scale, unflipped before flipped, and
    ``results['scale']``, ``['flip']`` and ``['flip_direction']`` tell
    ``Resize`` and ``RandomFlip`` what to do. Scales are:

    * ``img_scale=None``: the image's own ``(w, h)`` times each ratio;
    * one ``img_scale`` tuple and ``img_ratios``: the scale times each ratio;
    * otherwise ``img_scale`` itself (one tuple or a list).

    The output maps every key to the list of its values over the views.

    Args:
        transforms: Transform configs applied to each view.
        img_scale: ``(w, h)`` scale(s), or None.
        img_ratios: Ratio(s) of the scale.
        flip: Add flipped views.
        flip_direction: Flip direction(s), 'horizontal' and/or 'vertical'.
    """

    def __init__(self,
                 transforms: Sequence[dict],
                 img_scale: Union[None, Scale, List[Scale]],
                 img_ratios: Union[None, float, List[float]] = None,
                 flip: bool = False,
                 flip_direction: Union[str, List[str]] = 'horizontal'):
        types = _step_types(transforms)
        if flip and 'RandomFlip' in types and 'Pad' in types and \
                types.index('Pad') < types.index('RandomFlip'):
            raise InvalidArgumentError(
                'MultiScaleFlipAug with flip=True needs Pad '
                             'after RandomFlip in its transforms')
        self.transforms = Compose(transforms)
        if img_ratios is not None and not all(
                isinstance(r, float) for r in _as_list(img_ratios)):
            # as 0.28: an int here is usually a scale given in the wrong
            # argument
            raise InvalidArgumentError(
                'MultiScaleFlipAug: img_ratios must be a float or a list of '
                f'floats (e.g. [0.5, 1.0, 1.5]), got {img_ratios!r}')
        self.img_ratios = None if img_ratios is None else list(
            _as_list(img_ratios))
        if img_scale is None:
            if self.img_ratios is None:
                raise InvalidArgumentError(
                    'MultiScaleFlipAug needs img_ratios when '
                                 'img_scale is None')
            self.img_scale = None
        elif isinstance(img_scale, tuple) and self.img_ratios is not None:
            self.img_scale = _scaled(img_scale, self.img_ratios)
        else:
            self.img_scale = [tuple(s) for s in (
                img_scale if isinstance(img_scale, list) else [img_scale])]
        self.flip = flip
        self.flip_direction = _as_list(flip_direction)
        if not flip and self.flip_direction != ['horizontal']:
            warnings.warn('flip_direction has no effect when flip is False')
        if flip and 'RandomFlip' not in types:
            warnings.warn('flip has no effect without a RandomFlip among '
                          'the transforms')

    def _views(self, results: dict) -> List[Tuple[Scale, bool, str]]:
        if self.img_scale is None:
            h, w = results['img'].shape[:2]
            scales = _scaled((w, h), self.img_ratios)
        else:
            scales = self.img_scale
        flips = [False, True] if self.flip else [False]
        return [(scale, flip, direction) for scale in scales
                for flip in flips for direction in self.flip_direction]

    def __call__(self, results: dict) -> dict:
        outputs = []
        for scale, flip, direction in self._views(results):
            view = dict(results, scale=scale, flip=flip,
                        flip_direction=direction)
            outputs.append(self.transforms(view))
        return {key: [out[key] for out in outputs] for key in outputs[0]}

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(transforms={self.transforms}, '
                f'img_scale={self.img_scale}, img_ratios={self.img_ratios}, '
                f'flip={self.flip}, flip_direction={self.flip_direction})')
