"""Patch embedding: a strided convolution turned into a token sequence."""
from typing import Optional, Tuple

import torch
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule


class PatchEmbed(BaseModule):
    """Embed image patches as tokens (``projection`` conv, optional ``norm``).

    With ``padding = kernel_size // 2`` and ``stride < kernel_size`` the
    patches overlap, as in MiT (SegFormer).

    Args:
        in_channels: Channels of the input map.
        embed_dims: Channels of each token.
        kernel_size: Patch size.
        stride: Step between patches; ``None`` means ``kernel_size``.
        padding: Zero padding of the input map.
        norm_cfg: Norm applied to the tokens (none if ``None``).
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 embed_dims: int = 768,
                 kernel_size: int = 16,
                 stride: Optional[int] = None,
                 padding: int = 0,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(init_cfg)
        self.embed_dims = embed_dims
        self.projection = build_conv_layer(
            None, in_channels, embed_dims, kernel_size=kernel_size,
            stride=stride or kernel_size, padding=padding)
        self.norm = None if norm_cfg is None else build_norm_layer(
            norm_cfg, embed_dims)[1]

    def forward(
            self, x: torch.Tensor) -> Tuple[torch.Tensor, Tuple[int, int]]:
        """Tokens of an (N, C, H, W) map.

        Returns:
            Tokens (N, h*w, embed_dims) and the patch grid's (h, w).
        """
        x = self.projection(x)
        hw_shape = (x.shape[2], x.shape[3])
        x = x.flatten(2).transpose(1, 2)
        if self.norm is not None:
            x = self.norm(x)
        return x, hw_shape
