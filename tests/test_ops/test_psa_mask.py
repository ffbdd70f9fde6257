import pytest
import torch

from mmseg.ops import PSAMask


def loop_psa_mask(x, psa_type, mask_h, mask_w):
    """mmcv's kernel written as Python loops over pixels and mask cells."""
    n, _, h, w = x.shape
    half_h, half_w = (mask_h - 1) // 2, (mask_w - 1) // 2
    out = x.new_zeros(n, h * w, h, w)
    for y in range(h):
        for xx in range(w):
            for dy in range(mask_h):
                for dx in range(mask_w):
                    ty, tx = y + dy - half_h, xx + dx - half_w
                    if not (0 <= ty < h and 0 <= tx < w):
                        continue
                    value = x[:, dy * mask_w + dx, y, xx]
                    if psa_type == 'collect':
                        out[:, ty * w + tx, y, xx] = value
                    else:
                        out[:, y * w + xx, ty, tx] = value
    return out


@pytest.mark.parametrize('psa_type', ['collect', 'distribute'])
@pytest.mark.parametrize('hw,mask', [((4, 5), (7, 9)), ((5, 3), (3, 3)),
                                     ((3, 4), (4, 2))])
def test_psa_mask_matches_the_loop(psa_type, hw, mask):
    h, w = hw
    x = torch.randn(2, mask[0] * mask[1], h, w)
    out = PSAMask(psa_type, mask)(x)
    assert out.shape == (2, h * w, h, w)
    torch.testing.assert_close(out, loop_psa_mask(x, psa_type, *mask),
                               rtol=0, atol=0)


def test_psa_mask_full_size_mask_covers_every_pixel_pair_once():
    # with mask = 2 * size - 1 no cell falls outside for the pair's offset
    h, w = 3, 4
    x = torch.rand(1, (2 * h - 1) * (2 * w - 1), h, w) + 1
    for psa_type in ('collect', 'distribute'):
        out = PSAMask(psa_type, (2 * h - 1, 2 * w - 1))(x)
        assert (out != 0).sum() == (h * w)**2
        # the centre cell is each pixel's weight for itself
        centre = x[0, (h - 1) * (2 * w - 1) + (w - 1)].flatten()
        torch.testing.assert_close(
            out[0].view(h * w, h * w).diagonal(), centre)


@pytest.mark.parametrize('psa_type', ['collect', 'distribute'])
def test_psa_mask_gradcheck(psa_type):
    x = torch.randn(1, 9, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(PSAMask(psa_type, 3), (x, ))


def test_psa_mask_backward_matches_the_loop():
    x = torch.randn(2, 15, 4, 4, requires_grad=True)
    grad = torch.randn(2, 16, 4, 4)
    ours = torch.autograd.grad(PSAMask('distribute', (3, 5))(x), x, grad)[0]
    ref = x.detach().requires_grad_()
    want = torch.autograd.grad(loop_psa_mask(ref, 'distribute', 3, 5), ref,
                               grad)[0]
    torch.testing.assert_close(ours, want, rtol=0, atol=0)


def test_psa_mask_errors():
    with pytest.raises(ValueError, match="'collect' or 'distribute'"):
        PSAMask('bi-direction', 3)
    with pytest.raises(ValueError, match='expects 9 channels'):
        PSAMask('collect', 3)(torch.zeros(1, 8, 3, 3))
