"""Patch embedding and patch merging: image maps to and between token
grids (0.28 key names)."""
import math
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule


class AdaptivePadding(nn.Module):
    """Pad a map so that a ``kernel_size``/``stride`` window covers it all.

    Args:
        kernel_size: Window size.
        stride: Window step.
        dilation: Window dilation.
        padding: 'corner' (pad bottom/right) or 'same' (both sides).
    """

    def __init__(self, kernel_size: int = 1, stride: int = 1,
                 dilation: int = 1, padding: str = 'corner'):
        super().__init__()
        if padding not in ('same', 'corner'):
            raise ValueError(f"padding must be 'same' or 'corner', got "
                             f'{padding!r}')
        self.kernel_size = kernel_size
        self.stride = stride
        self.dilation = dilation
        self.padding = padding

    def pad_shape(self, size: Tuple[int, int]) -> Tuple[int, int]:
        """Padding (h, w) needed by a map of ``size``."""
        span = (self.kernel_size - 1) * self.dilation + 1
        return tuple(
            max((math.ceil(n / self.stride) - 1) * self.stride + span - n, 0)
            for n in size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad_h, pad_w = self.pad_shape(x.shape[-2:])
        if pad_h == 0 and pad_w == 0:
            return x
        if self.padding == 'corner':
            return F.pad(x, [0, pad_w, 0, pad_h])
        return F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2,
                         pad_h - pad_h // 2])


def _split_padding(kernel_size, stride, dilation, padding):
    """(AdaptivePadding or None, the padding left for the layer itself)."""
    if isinstance(padding, str):
        return AdaptivePadding(kernel_size, stride, dilation, padding), 0
    return None, padding


class PatchEmbed(BaseModule):
    """Embed image patches as tokens (``projection`` conv, optional ``norm``).

    With ``padding = kernel_size // 2`` and ``stride < kernel_size`` the
    patches overlap, as in MiT (SegFormer); ``padding='corner'`` pads the
    bottom/right so that no pixel is dropped, as in Swin.

    Args:
        in_channels: Channels of the input map.
        embed_dims: Channels of each token.
        kernel_size: Patch size.
        stride: Step between patches; ``None`` means ``kernel_size``.
        padding: Zero padding of the input map, or 'corner' / 'same'.
        dilation: Dilation of the projection.
        bias: Bias of the projection.
        norm_cfg: Norm applied to the tokens (none if ``None``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 kernel_size: int = 16,
                 stride: Optional[int] = None,
                 padding: Union[int, str] = 0,
                 dilation: int = 1,
                 bias: bool = True,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.embed_dims = embed_dims
        stride = stride or kernel_size
        self.adaptive_padding, padding = _split_padding(
            kernel_size, stride, dilation, padding)
        self.projection = build_conv_layer(
            None, in_channels, embed_dims, kernel_size=kernel_size,
            stride=stride, padding=padding, dilation=dilation, bias=bias)
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, embed_dims)[1]

    def forward(
            self, x: torch.Tensor) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """Tokens of an (N, C, H, W) map.

        Returns:
            Tokens (N, h*w, embed_dims) and the patch grid's (h, w).
        """
        if self.adaptive_padding is not None:
            x = self.adaptive_padding(x)
        x = self.projection(x)
        hw_shape = (x.shape[2], x.shape[3])
        x = x.flatten(2).transpose(1, 2)
        if self.norm is not None:
            x = self.norm(x)
        return x, hw_shape


class PatchMerging(BaseModule):
    """Merge each ``kernel_size`` x ``kernel_size`` group of tokens into one
    (``norm`` then ``reduction`` linear), as Swin does between stages.

    The group's features are concatenated in ``nn.Unfold`` order (channel
    major, then position in the window).

    Args:
        in_channels: Channels of the input tokens.
        out_channels: Channels of the merged tokens.
        kernel_size: Group size.
        stride: Step between groups; ``None`` means ``kernel_size``.
        padding: Zero padding, or 'corner' / 'same'.
        dilation: Dilation of the groups.
        bias: Bias of ``reduction``.
        norm_cfg: Norm before ``reduction`` (none if ``None``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 2,
                 stride: Optional[int] = None,
                 padding: Union[int, str] = 'corner',
                 dilation: int = 1,
                 bias: bool = False,
                 norm_cfg: Optional[dict] = dict(type='LN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        stride = stride or kernel_size
        self.adaptive_padding, padding = _split_padding(
            kernel_size, stride, dilation, padding)
        self.sampler = nn.Unfold(kernel_size=kernel_size, dilation=dilation,
                                 padding=padding, stride=stride)
        sample_dims = kernel_size**2 * in_channels
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, sample_dims)[1]
        self.reduction = nn.Linear(sample_dims, out_channels, bias=bias)

    def forward(self, x: torch.Tensor, hw_shape: Tuple[int, int]
                ) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """Merge tokens (N, H*W, C) on the grid ``hw_shape``.

        Returns:
            Tokens (N, h*w, out_channels) and the new grid's (h, w).
        """
        batch, length, channels = x.shape
        h, w = hw_shape
        assert length == h * w, 'the token count does not match hw_shape'
        x = x.view(batch, h, w, channels).permute(0, 3, 1, 2)
        if self.adaptive_padding is not None:
            x = self.adaptive_padding(x)
        size = x.shape[-2:]
        x = self.sampler(x).transpose(1, 2)
        out_hw = tuple(
            (n + 2 * self.sampler.padding - self.sampler.dilation *
             (self.sampler.kernel_size - 1) - 1) // self.sampler.stride + 1
            for n in size)
        if self.norm is not None:
            x = self.norm(x)
        return self.reduction(x), out_hw
