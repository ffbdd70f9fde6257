import pytest
import torch

from mmseg.ops import Encoding


def loop_encoding(module, x):
    """Soft assignment of each pixel to each code word, then the sum of the
    weighted residuals, one image and one code word at a time."""
    n, c, h, w = x.shape
    out = x.new_zeros(n, module.num_codes, c)
    for b in range(n):
        pixels = x[b].reshape(c, -1).t()
        dist = torch.stack([
            module.scale[k] * ((pixels - module.codewords[k])**2).sum(1)
            for k in range(module.num_codes)
        ], dim=1)
        assign = torch.softmax(dist, dim=1)
        for k in range(module.num_codes):
            out[b, k] = (assign[:, k:k + 1] *
                         (pixels - module.codewords[k])).sum(0)
    return out


def test_keys_and_init_ranges():
    torch.manual_seed(0)
    module = Encoding(channels=16, num_codes=4)
    assert {k: tuple(v.shape) for k, v in module.state_dict().items()} == {
        'codewords': (4, 16), 'scale': (4, )}
    assert module.codewords.abs().max() <= 1 / (4 * 16)**0.5
    assert ((module.scale >= -1) & (module.scale <= 0)).all()


def test_matches_the_loop():
    torch.manual_seed(0)
    module = Encoding(8, 5)
    x = torch.randn(2, 8, 3, 4)
    out = module(x)
    assert out.shape == (2, 5, 8)
    torch.testing.assert_close(out, loop_encoding(module, x))


def test_gradcheck():
    torch.manual_seed(0)
    module = Encoding(4, 3).double()
    x = torch.randn(2, 4, 2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(module, (x, ))
    grads = torch.autograd.grad(module(x).sum(), list(module.parameters()))
    want = torch.autograd.grad(loop_encoding(module, x).sum(),
                               list(module.parameters()))
    for ours, ref in zip(grads, want):
        torch.testing.assert_close(ours, ref)


def test_wrong_channels():
    with pytest.raises(ValueError, match=r'expects \(N, 8, H, W\)'):
        Encoding(8, 2)(torch.zeros(1, 4, 2, 2))
