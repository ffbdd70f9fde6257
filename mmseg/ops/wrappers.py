import warnings
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F


def _misaligned(in_hw: Sequence[int], out_hw: Sequence[int]) -> bool:
    """True when align_corners=True upsampling cannot hit the input grid."""
    (ih, iw), (oh, ow) = in_hw, out_hw
    if oh <= ih and ow <= iw:
        return False
    if min(ih, iw, oh, ow) <= 1:
        return False
    return bool((oh - 1) % (ih - 1) and (ow - 1) % (iw - 1))


def resize(input: torch.Tensor,
           size: Optional[Sequence[int]] = None,
           scale_factor: Optional[Union[float, Sequence[float]]] = None,
           mode: str = 'nearest',
           align_corners: Optional[bool] = None,
           warning: bool = True) -> torch.Tensor:
    """``F.interpolate`` that warns about poorly aligned upsampling.

    With ``align_corners=True`` the output is exactly aligned only when the
    input is ``x+1`` and the output ``n*x+1`` pixels along an axis.
    """
    if warning and size is not None and align_corners:
        in_hw = tuple(int(s) for s in input.shape[2:])
        out_hw = tuple(int(s) for s in size)
        if _misaligned(in_hw, out_hw):
            warnings.warn(
                f'When align_corners={align_corners}, the output would be '
                f'better aligned if input size {in_hw} is `x+1` and output '
                f'size {out_hw} is `nx+1`')
    return F.interpolate(input, size, scale_factor, mode, align_corners)


class Upsample(nn.Module):
    """Module form of :func:`resize` with a fixed size or scale factor."""

    def __init__(self,
                 size: Optional[Sequence[int]] = None,
                 scale_factor: Optional[Union[float, Sequence[float]]] = None,
                 mode: str = 'nearest',
                 align_corners: Optional[bool] = None):
        super().__init__()
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            scale_factor = tuple(float(f) for f in scale_factor)
        elif scale_factor:
            scale_factor = float(scale_factor)
        self.scale_factor = scale_factor or None
        self.mode = mode
        self.align_corners = align_corners

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = self.size
        if not size:
            factors = self.scale_factor
            if not isinstance(factors, tuple):
                factors = (factors, factors)
            # an integral factor keeps the size traced (dynamic ONNX
            # export): int() would bake the traced size in as a constant
            size = [s * int(f) if float(f).is_integer() else int(s * f)
                    for s, f in zip(x.shape[-2:], factors)]
        return resize(x, size, None, self.mode, self.align_corners)
