import torch

from mmseg.ops import point_sample


def loop_bilinear(x, points, align_corners):
    """Bilinear sampling with zero padding, one point at a time."""
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, points.shape[1])

    def pixel(b, i, j):
        if 0 <= i < h and 0 <= j < w:
            return x[b, :, i, j]
        return x.new_zeros(c)

    for b in range(n):
        for p, (px, py) in enumerate(points[b].tolist()):
            if align_corners:
                fx, fy = px * (w - 1), py * (h - 1)
            else:
                fx, fy = px * w - 0.5, py * h - 0.5
            x0, y0 = int(torch.floor(torch.tensor(fx))), int(
                torch.floor(torch.tensor(fy)))
            ax, ay = fx - x0, fy - y0
            out[b, :, p] = ((1 - ax) * (1 - ay) * pixel(b, y0, x0) +
                            ax * (1 - ay) * pixel(b, y0, x0 + 1) +
                            (1 - ax) * ay * pixel(b, y0 + 1, x0) +
                            ax * ay * pixel(b, y0 + 1, x0 + 1))
    return out


def test_matches_the_loop_both_alignments():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 5, 7, dtype=torch.float64)
    points = torch.rand(2, 11, 2, dtype=torch.float64)
    for align_corners in (False, True):
        torch.testing.assert_close(
            point_sample(x, points, align_corners=align_corners),
            loop_bilinear(x, points, align_corners))


def test_pixel_centres_and_grid_shape():
    x = torch.arange(12.).view(1, 1, 3, 4)
    ys, xs = torch.meshgrid(torch.arange(3.), torch.arange(4.), indexing='ij')
    centres = torch.stack([(xs + 0.5) / 4, (ys + 0.5) / 3], dim=-1)[None]
    torch.testing.assert_close(point_sample(x, centres), x)
    nearest = point_sample(x, centres.view(1, -1, 2), mode='nearest')
    torch.testing.assert_close(nearest, x.view(1, 1, -1))


def test_gradcheck():
    x = torch.randn(1, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    points = torch.rand(1, 5, 2, dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda t: point_sample(t, points, align_corners=False), (x, ))
