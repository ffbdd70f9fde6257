"""Chain of data transforms."""
from collections.abc import Sequence
from typing import Callable, Optional, Union

from mmseg.registry import TRANSFORMS


def _as_callable(step: Union[dict, Callable]) -> Callable:
    if isinstance(step, dict):
        return TRANSFORMS.build(step)
    if callable(step):
        return step
    raise TypeError('a pipeline step must be a transform config dict or a '
                    f'callable, got {type(step).__name__}: {step!r}')


@TRANSFORMS.register_module()
class Compose:
    """Apply transforms one after the other to a results dict.

    A transform returning ``None`` (the sample is to be skipped) ends the
    chain, and the composition returns ``None`` too.

    Args:
        transforms: Transform configs (built with ``TRANSFORMS``) or
            callables.
    """

    def __init__(self, transforms: Sequence):
        if isinstance(transforms, (str, dict)) or not isinstance(
                transforms, Sequence):
            raise TypeError('Compose takes a list of transforms, got '
                            f'{type(transforms).__name__}')
        self.transforms = [_as_callable(step) for step in transforms]

    def __call__(self, results: dict) -> Optional[dict]:
        for transform in self.transforms:
            results = transform(results)
            if results is None:
                return None
        return results

    def __repr__(self) -> str:
        steps = ''.join(f'\n    {t}' for t in self.transforms)
        return f'{type(self).__name__}({steps}\n)'
