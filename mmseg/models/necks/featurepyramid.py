"""Feature2Pyramid: single-scale ViT features to a feature pyramid."""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer

from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError


class _KeyError(InvalidArgumentError, KeyError):
    """0.28 raised ``KeyError`` for an unknown rescale."""

    def __str__(self) -> str:
        return str(self.args[0])


@MODELS.register_module()
class Feature2Pyramid(nn.Module):
    """Rescale same-sized maps (one per pyramid level) by ``rescales``.

    4: two stride-2 transposed convs with norm and GELU between
    (``upsample_4x``); 2: one transposed conv (``upsample_2x``); 1:
    identity; 0.5 and 0.25: max pooling. The ``i``-th input takes the
    ``i``-th of (4, 2, 1, 0.5) when 4 is among ``rescales``, else of
    (2, 1, 0.5, 0.25).

    Args:
        embed_dim: Channels of the maps.
        rescales: Scale factor per level.
        norm_cfg: Norm inside ``upsample_4x``.
    """

    def __init__(self,
                 embed_dim: int,
                 rescales: Sequence[float] = [4, 2, 1, 0.5],
                 norm_cfg: dict = dict(type='SyncBN', requires_grad=True)):
        super().__init__()
        self.rescales = rescales
        self.upsample_4x = None
        for k in rescales:
            if k == 4:
                self.upsample_4x = nn.Sequential(
                    nn.ConvTranspose2d(embed_dim, embed_dim, 2, stride=2),
                    build_norm_layer(norm_cfg, embed_dim)[1],
                    nn.GELU(),
                    nn.ConvTranspose2d(embed_dim, embed_dim, 2, stride=2))
            elif k == 2:
                self.upsample_2x = nn.Sequential(
                    nn.ConvTranspose2d(embed_dim, embed_dim, 2, stride=2))
            elif k == 1:
                self.identity = nn.Identity()
            elif k == 0.5:
                self.downsample_2x = nn.MaxPool2d(kernel_size=2, stride=2)
            elif k == 0.25:
                self.downsample_4x = nn.MaxPool2d(kernel_size=4, stride=4)
            else:
                raise _KeyError(f'Feature2Pyramid: rescales entry {k} is not '
                                'one of 4, 2, 1, 0.5, 0.25')

    def forward(self, inputs: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        if len(inputs) != len(self.rescales):
            raise InvalidArgumentError(
                f'Feature2Pyramid: got {len(inputs)} maps for '
                f'{len(self.rescales)} rescales')
        names = ('upsample_4x', 'upsample_2x', 'identity', 'downsample_2x') \
            if self.upsample_4x is not None else \
            ('upsample_2x', 'identity', 'downsample_2x', 'downsample_4x')
        return tuple(getattr(self, name)(x) for name, x in zip(names, inputs))
