from typing import Sequence, Tuple, Union

import torch
import torch.nn as nn
from torch.nn.modules.utils import _pair


def psa_mask_index(h: int, w: int, mask_h: int, mask_w: int,
                   psa_type: str, device=None
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Where PSAMask copies each value, as flat indices.

    Returns:
        ``(src, dst)``: positions in the flattened ``(mask_h * mask_w, h,
        w)`` input and the flattened ``(h * w, h, w)`` output; mask cells
        that fall outside the feature map are left out.
    """
    half_h, half_w = (mask_h - 1) // 2, (mask_w - 1) // 2
    ys = torch.arange(h, device=device).view(h, 1, 1, 1)
    xs = torch.arange(w, device=device).view(1, w, 1, 1)
    dy = torch.arange(mask_h, device=device).view(1, 1, mask_h, 1)
    dx = torch.arange(mask_w, device=device).view(1, 1, 1, mask_w)
    # the mask cell (dy, dx) of pixel (y, x) is the pixel (ty, tx)
    ty, tx = ys + dy - half_h, xs + dx - half_w
    inside = (ty >= 0) & (ty < h) & (tx >= 0) & (tx < w)
    shape = inside.shape
    pixel = (ys * w + xs).expand(shape)[inside]
    target = (ty * w + tx).expand(shape)[inside]
    cell = (dy * mask_w + dx).expand(shape)[inside]
    src = cell * (h * w) + pixel
    if psa_type == 'collect':
        dst = target * (h * w) + pixel
    else:
        dst = pixel * (h * w) + target
    return src, dst


class PSAMask(nn.Module):
    """PSANet's point-wise spatial attention mask, as a gather/scatter.

    Maps a relative attention map ``(N, mask_h * mask_w, H, W)`` (each pixel's
    weights over a mask centred on it) to an absolute one ``(N, H * W, H,
    W)``. 'collect': ``out[n, t, y, x]`` is the weight of pixel ``t`` for
    pixel ``(y, x)``; 'distribute': ``out[n, p, ty, tx]`` is pixel ``p``'s
    weight at pixel ``(ty, tx)``. Cells of the mask outside the map are
    dropped, the rest of the output is 0 (mmcv 1.6's ``PSAMask``).

    Args:
        psa_type: 'collect' or 'distribute'.
        mask_size: ``(mask_h, mask_w)`` (or one int); odd sizes centre the
            mask on the pixel.
    """

    def __init__(self, psa_type: str,
                 mask_size: Union[int, Sequence[int]]):
        super().__init__()
        if psa_type not in ('collect', 'distribute'):
            raise ValueError(f"psa_type must be 'collect' or 'distribute', "
                             f'got {psa_type!r}')
        self.psa_type = psa_type
        self.mask_size = mask_size
        self._index = {}

    def extra_repr(self) -> str:
        return f'psa_type={self.psa_type}, mask_size={self.mask_size}'

    def _cached_index(self, h: int, w: int, device):
        mask_h, mask_w = _pair(self.mask_size)
        key = (h, w, str(device))
        if key not in self._index:
            self._index[key] = psa_mask_index(h, w, mask_h, mask_w,
                                              self.psa_type, device)
        return self._index[key]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        mask_h, mask_w = _pair(self.mask_size)
        if c != mask_h * mask_w:
            raise ValueError(
                f'PSAMask with mask_size {self.mask_size} expects '
                f'{mask_h * mask_w} channels, got {c}')
        src, dst = self._cached_index(h, w, x.device)
        out = x.new_zeros(n, h * w * h * w)
        out = out.index_copy(1, dst, x.reshape(n, -1)[:, src])
        return out.view(n, h * w, h, w)
