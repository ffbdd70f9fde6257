"""Channel rounding of the mobile backbones (MobileNetV2/V3)."""
from typing import Optional


def make_divisible(value: float, divisor: int,
                   min_value: Optional[int] = None,
                   min_ratio: float = 0.9) -> int:
    """Round a channel number to the nearest multiple of ``divisor``.

    Args:
        value: The unrounded channel number.
        divisor: The result is a multiple of it.
        min_value: Lower bound of the result (``divisor`` if None).
        min_ratio: The result is at least ``min_ratio * value``; rounding
            down further adds one ``divisor``.

    Returns:
        The rounded channel number.
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < min_ratio * value:
        rounded += divisor
    return rounded
