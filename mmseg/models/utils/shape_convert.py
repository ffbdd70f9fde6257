"""Conversions between token sequences (N, L, C) and feature maps."""
from typing import Sequence

import torch


def nlc_to_nchw(x: torch.Tensor, hw_shape: Sequence[int]) -> torch.Tensor:
    """Fold tokens (N, H*W, C) back into a map (N, C, H, W).

    Args:
        x: Tokens in row-major order.
        hw_shape: The map's (H, W).

    Returns:
        A contiguous (N, C, H, W) tensor.
    """
    height, width = hw_shape
    assert x.dim() == 3, f'expected (N, L, C) tokens, got {tuple(x.shape)}'
    batch, length, channels = x.shape
    assert length == height * width, \
        f'{length} tokens do not fill a {height}x{width} map'
    return x.transpose(1, 2).reshape(batch, channels, height,
                                     width).contiguous()


def nchw_to_nlc(x: torch.Tensor) -> torch.Tensor:
    """Flatten a map (N, C, H, W) into row-major tokens (N, H*W, C)."""
    assert x.dim() == 4, f'expected an (N, C, H, W) map, got {tuple(x.shape)}'
    return x.flatten(2).transpose(1, 2).contiguous()
