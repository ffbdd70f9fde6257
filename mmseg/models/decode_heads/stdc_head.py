"""STDC's detail head (arXiv:2104.13188): an FCN head trained on boundary
targets that a Laplacian makes from the labels at three scales."""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS

from .fcn_head import FCNHead


def _binarize(x: torch.Tensor, threshold: float) -> torch.Tensor:
    return (x > threshold).to(x.dtype)


@MODELS.register_module()
class STDCHead(FCNHead):
    """FCN head whose targets are the labels' boundaries (detail loss).

    The boundary targets: a 3x3 Laplacian of the label map at strides 1, 2
    and 4, clamped at 0, each upsampled (nearest) to the label size and
    thresholded, then fused with the fixed weights 0.6 / 0.3 / 0.1 and
    thresholded again; class 1 is a boundary pixel. As in 0.28 the label
    values (the ignore index included) enter the Laplacian as numbers.

    Args:
        boundary_threshold: Threshold of the boundary maps.

    It trains only on these targets, so CAC (which contrasts the semantic
    classes) does not apply: a ``cac`` key is an error.
    """

    def __init__(self, boundary_threshold: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.boundary_threshold = boundary_threshold
        self.register_buffer(
            'laplacian_kernel',
            torch.tensor([-1, -1, -1, -1, 8, -1, -1, -1, -1],
                         dtype=torch.float32).reshape(1, 1, 3, 3))
        # 0.28 keeps it as a frozen parameter (a state-dict key)
        self.fusion_kernel = nn.Parameter(
            torch.tensor([0.6, 0.3, 0.1]).reshape(1, 3, 1, 1),
            requires_grad=False)

    def add_cac(self, *args, **kwargs) -> None:
        raise TypeError(
            'STDCHead learns boundary targets, not the semantic classes '
            "that CAC contrasts: remove its cac key (put CAC on the "
            'decode head or an FCN auxiliary head)')

    def boundary_targets(self, seg_label: torch.Tensor) -> torch.Tensor:
        """Binary boundary map (N, 1, H, W), long, of (N, 1, H, W) labels."""
        label = seg_label.to(self.laplacian_kernel)
        size = label.shape[2:]
        maps = []
        for stride in (1, 2, 4):
            edges = F.conv2d(label, self.laplacian_kernel, stride=stride,
                             padding=1).clamp(min=0)
            if stride > 1:
                edges = F.interpolate(edges, size, mode='nearest')
            maps.append(_binarize(edges, self.boundary_threshold))
        fused = F.conv2d(torch.cat(maps, dim=1), self.fusion_kernel)
        return _binarize(fused, self.boundary_threshold).long()

    def losses(self, seg_logit: torch.Tensor,
               seg_label: torch.Tensor) -> Dict[str, torch.Tensor]:
        """The FCN head's losses against :meth:`boundary_targets`."""
        return super().losses(seg_logit, self.boundary_targets(seg_label))
