"""Patch embedding and patch merging: image maps to and between token
grids (0.28 key names)."""
import math
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule
from mmengine.utils import to_2tuple

from mmseg.utils.errors import InvalidArgumentError

IntPair = Union[int, Tuple[int, int]]


class AdaptivePadding(nn.Module):
    """Pad a map so that a ``kernel_size``/``stride`` window covers it all.

    Args:
        kernel_size: Window size (int or (h, w)).
        stride: Window step (int or (h, w)).
        dilation: Window dilation (int or (h, w)).
        padding: 'corner' (pad bottom/right) or 'same' (both sides).
    """

    def __init__(self, kernel_size: IntPair = 1, stride: IntPair = 1,
                 dilation: IntPair = 1, padding: str = 'corner'):
        super().__init__()
        if padding not in ('same', 'corner'):
            raise InvalidArgumentError(
                f"AdaptivePadding: padding must be 'same' or 'corner', got "
                f'{padding!r}')
        self.kernel_size = to_2tuple(kernel_size)
        self.stride = to_2tuple(stride)
        self.dilation = to_2tuple(dilation)
        self.padding = padding

    def get_pad_shape(self, input_shape: Tuple[int, int]) -> Tuple[int, int]:
        """Padding (h, w) needed by a map of ``input_shape`` (h, w)."""
        return tuple(
            max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
            for n, k, s, d in zip(input_shape, self.kernel_size, self.stride,
                                  self.dilation))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad_h, pad_w = self.get_pad_shape(x.shape[-2:])
        if pad_h == 0 and pad_w == 0:
            return x
        if self.padding == 'corner':
            return F.pad(x, [0, pad_w, 0, pad_h])
        return F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2,
                         pad_h - pad_h // 2])


def _conv_out_size(size, kernel_size, stride, padding, dilation):
    """Output (h, w) of a convolution (or ``nn.Unfold``) on ``size``."""
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, s, p, d in zip(size, kernel_size, stride, padding,
                                          dilation))


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
        conv_type: Type of the projection layer (a ``build_conv_layer``
            type).
        kernel_size: Patch size (int or (h, w)).
        stride: Step between patches; ``None`` means ``kernel_size``.
        padding: Zero padding of the input map, or 'corner' / 'same'.
        dilation: Dilation of the projection.
        bias: Bias of the projection.
        norm_cfg: Norm applied to the tokens (none if ``None``).
        input_size: Expected input (h, w); sets ``init_input_size`` and
            ``init_out_size`` (the patch grid of such an input), as 0.28's
            ViT-style backbones read them.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 conv_type: str = 'Conv2d',
                 kernel_size: IntPair = 16,
                 stride: Optional[IntPair] = None,
                 padding: Union[IntPair, str] = 'corner',
                 dilation: IntPair = 1,
                 bias: bool = True,
                 norm_cfg: Optional[dict] = None,
                 input_size: Optional[IntPair] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.embed_dims = embed_dims
        stride = kernel_size if stride is None else stride
        self.adaptive_padding, padding = _split_padding(
            kernel_size, stride, dilation, padding)
        self.projection = build_conv_layer(
            dict(type=conv_type), in_channels, embed_dims,
            kernel_size=kernel_size, stride=stride, padding=padding,
            dilation=dilation, bias=bias)
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, embed_dims)[1]
        self.init_input_size = self.init_out_size = None
        if input_size is not None:
            size = to_2tuple(input_size)
            if self.adaptive_padding is not None:
                pad_h, pad_w = self.adaptive_padding.get_pad_shape(size)
                size = (size[0] + pad_h, size[1] + pad_w)
            self.init_input_size = size
            self.init_out_size = _conv_out_size(
                size, to_2tuple(kernel_size), to_2tuple(stride),
                to_2tuple(padding), to_2tuple(dilation))

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
        kernel_size: Group size (int or (h, w)).
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
                 kernel_size: IntPair = 2,
                 stride: Optional[IntPair] = None,
                 padding: Union[IntPair, str] = 'corner',
                 dilation: IntPair = 1,
                 bias: bool = False,
                 norm_cfg: Optional[dict] = dict(type='LN'),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        stride = kernel_size if stride is None else stride
        self.adaptive_padding, padding = _split_padding(
            kernel_size, stride, dilation, padding)
        self.sampler = nn.Unfold(kernel_size=kernel_size, dilation=dilation,
                                 padding=padding, stride=stride)
        kernel_h, kernel_w = to_2tuple(kernel_size)
        sample_dims = kernel_h * kernel_w * in_channels
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
        out_hw = _conv_out_size(
            size, to_2tuple(self.sampler.kernel_size),
            to_2tuple(self.sampler.stride), to_2tuple(self.sampler.padding),
            to_2tuple(self.sampler.dilation))
        if self.norm is not None:
            x = self.norm(x)
        return self.reduction(x), out_hw
