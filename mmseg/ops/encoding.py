import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoding(nn.Module):
    """EncNet's learnable residual encoder (arXiv:1803.08904).

    Each pixel is softly assigned to ``num_codes`` code words by a scaled
    squared distance; the output aggregates the pixels' residuals to each
    code word.

    Args:
        channels: Channels of the input features.
        num_codes: Number of code words.
    """

    def __init__(self, channels: int, num_codes: int):
        super().__init__()
        self.channels, self.num_codes = channels, num_codes
        bound = 1. / (num_codes * channels)**0.5
        self.codewords = nn.Parameter(
            torch.empty(num_codes, channels).uniform_(-bound, bound))
        self.scale = nn.Parameter(torch.empty(num_codes).uniform_(-1, 0))

    def extra_repr(self) -> str:
        return f'channels={self.channels}, num_codes={self.num_codes}'

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode (N, C, H, W) features into (N, num_codes, C)."""
        if x.dim() != 4 or x.size(1) != self.channels:
            raise ValueError(f'Encoding expects (N, {self.channels}, H, W) '
                             f'features, got {tuple(x.shape)}')
        x = x.flatten(2).transpose(1, 2)  # (N, HW, C)
        residual = x.unsqueeze(2) - self.codewords  # (N, HW, K, C)
        distance = self.scale * residual.pow(2).sum(dim=3)  # (N, HW, K)
        assignment = F.softmax(distance, dim=2)
        return (assignment.unsqueeze(3) * residual).sum(dim=1)
