"""Conversions between token sequences (N, L, C) and feature maps."""
from typing import Callable, Sequence

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


def nchw2nlc2nchw(module: Callable, x: torch.Tensor,
                  contiguous: bool = False, **kwargs) -> torch.Tensor:
    """Apply a token function (N, L, C) -> (N, L, C) to a map (N, C, H, W).

    Args:
        module: Called as ``module(tokens, **kwargs)``.
        x: The (N, C, H, W) map.
        contiguous: Make the tokens and the result contiguous.

    Returns:
        The result folded back to (N, C, H, W).
    """
    height, width = x.shape[2:]
    tokens = x.flatten(2).transpose(1, 2)
    if contiguous:
        tokens = tokens.contiguous()
    out = module(tokens, **kwargs).transpose(1, 2).reshape(
        x.shape[0], -1, height, width)
    return out.contiguous() if contiguous else out


def nlc2nchw2nlc(module: Callable, x: torch.Tensor,
                 hw_shape: Sequence[int], contiguous: bool = False,
                 **kwargs) -> torch.Tensor:
    """Apply a map function (N, C, H, W) -> (N, C, H, W) to tokens.

    Args:
        module: Called as ``module(map, **kwargs)``.
        x: The (N, H*W, C) tokens.
        hw_shape: The map's (H, W).
        contiguous: Make the map and the result contiguous.

    Returns:
        The result as (N, H*W, C) tokens.
    """
    height, width = hw_shape
    batch, length, channels = x.shape
    assert length == height * width, \
        f'{length} tokens do not fill a {height}x{width} map'
    fmap = x.transpose(1, 2).reshape(batch, channels, height, width)
    if contiguous:
        fmap = fmap.contiguous()
    out = module(fmap, **kwargs).flatten(2).transpose(1, 2)
    return out.contiguous() if contiguous else out
