import torch
import torch.nn.functional as F


def point_sample(input: torch.Tensor, points: torch.Tensor,
                 align_corners: bool = False, **kwargs) -> torch.Tensor:
    """Sample ``input`` at points in ``[0, 1] x [0, 1]`` (x, y).

    ``F.grid_sample`` with coordinates in ``[0, 1]`` instead of
    ``[-1, 1]``, as mmcv 1.6's ``point_sample``.

    Args:
        input: Feature map (N, C, H, W).
        points: (N, P, 2) or (N, Hg, Wg, 2) coordinates.
        align_corners: ``align_corners`` of ``F.grid_sample``.
        **kwargs: Passed to ``F.grid_sample`` (e.g. ``mode='nearest'``).

    Returns:
        (N, C, P) or (N, C, Hg, Wg) sampled features.
    """
    flat = points.dim() == 3
    grid = points.unsqueeze(2) if flat else points
    out = F.grid_sample(input, grid * 2.0 - 1.0,
                        align_corners=align_corners, **kwargs)
    return out.squeeze(3) if flat else out
