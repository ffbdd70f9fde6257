import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import Scale


class CrissCrossAttention(nn.Module):
    """CCNet's criss-cross attention (arXiv:1811.11721), in plain PyTorch.

    Every pixel attends to the pixels of its row and its column (itself
    once); the attended values, times a learned ``gamma`` that starts at 0,
    are added to the input. Keys are those of mmcv 1.6's module.

    Args:
        in_channels: Channels of the input (queries and keys have
            ``in_channels // 8``).
    """

    def __init__(self, in_channels: int):
        super().__init__()
        self.in_channels = in_channels
        self.query_conv = nn.Conv2d(in_channels, in_channels // 8, 1)
        self.key_conv = nn.Conv2d(in_channels, in_channels // 8, 1)
        self.value_conv = nn.Conv2d(in_channels, in_channels, 1)
        self.gamma = Scale(0.)

    def extra_repr(self) -> str:
        return f'in_channels={self.in_channels}'

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) in, the same shape out."""
        h = x.shape[2]
        query, key = self.query_conv(x), self.key_conv(x)
        value = self.value_conv(x)
        # energies of each pixel (n, h, w) with its column (i) and row (j);
        # the pixel itself is counted in the row only
        column = torch.einsum('nchw,nciw->nhwi', query, key)
        self_mask = torch.eye(h, dtype=torch.bool, device=x.device)
        column = column.masked_fill(self_mask[:, None, :], float('-inf'))
        row = torch.einsum('nchw,nchj->nhwj', query, key)
        attn = F.softmax(torch.cat([column, row], dim=3), dim=3)
        out = torch.einsum('nciw,nhwi->nchw', value, attn[..., :h])
        out = out + torch.einsum('nchj,nhwj->nchw', value, attn[..., h:])
        return self.gamma(out) + x
