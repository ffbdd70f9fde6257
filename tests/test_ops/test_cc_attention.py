import torch

from mmseg.ops import CrissCrossAttention


def loop_criss_cross(module, x):
    """Each pixel's softmax over its column and row (itself once), then the
    weighted sum of the values, one pixel at a time."""
    q, k, v = module.query_conv(x), module.key_conv(x), module.value_conv(x)
    n, c, h, w = x.shape
    out = torch.zeros_like(x)
    for b in range(n):
        for y in range(h):
            for xx in range(w):
                cells = [(i, xx) for i in range(h) if i != y]
                cells += [(y, j) for j in range(w)]
                keys = torch.stack([k[b, :, i, j] for i, j in cells])
                values = torch.stack([v[b, :, i, j] for i, j in cells])
                attn = torch.softmax(keys @ q[b, :, y, xx], dim=0)
                out[b, :, y, xx] = attn @ values
    return module.gamma.scale * out + x


def make(channels=16):
    torch.manual_seed(0)
    module = CrissCrossAttention(channels)
    with torch.no_grad():
        module.gamma.scale.fill_(0.7)
    return module


def test_keys_and_shapes_are_mmcv_16():
    keys = {k: tuple(v.shape) for k, v in
            CrissCrossAttention(16).state_dict().items()}
    assert keys == {
        'query_conv.weight': (2, 16, 1, 1), 'query_conv.bias': (2, ),
        'key_conv.weight': (2, 16, 1, 1), 'key_conv.bias': (2, ),
        'value_conv.weight': (16, 16, 1, 1), 'value_conv.bias': (16, ),
        'gamma.scale': ()}
    assert CrissCrossAttention(16).gamma.scale.item() == 0


def test_matches_the_loop():
    module = make()
    x = torch.randn(2, 16, 4, 5)
    torch.testing.assert_close(module(x), loop_criss_cross(module, x),
                               rtol=1e-5, atol=1e-5)


def test_starts_as_the_identity():
    x = torch.randn(1, 16, 3, 3)
    torch.testing.assert_close(CrissCrossAttention(16)(x), x)


def test_gradcheck():
    module = make(8).double()
    x = torch.randn(1, 8, 3, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(module, (x, ))


def test_backward_matches_the_loop():
    module = make()
    x = torch.randn(1, 16, 3, 4)
    grads = []
    for fn in (module, lambda t: loop_criss_cross(module, t)):
        module.zero_grad()
        t = x.clone().requires_grad_()
        (fn(t) * torch.linspace(-1, 1, t.numel()).view_as(t)).sum().backward()
        grads.append([t.grad] + [p.grad.clone() for p in module.parameters()])
    for ours, want in zip(*grads):
        torch.testing.assert_close(ours, want, rtol=1e-4, atol=1e-5)
