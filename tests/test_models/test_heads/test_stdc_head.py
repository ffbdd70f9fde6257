"""STDCHead: its boundary targets, written out pixel by pixel, and the
detail losses it trains on."""
import numpy as np
import pytest
import torch

from mmseg.models import build_head
from mmseg.models.decode_heads import FCNHead

NORM = dict(type='BN', requires_grad=True)


def head(**kwargs):
    cfg = dict(type='STDCHead', in_channels=8, channels=4, num_convs=1,
               num_classes=2, boundary_threshold=0.1, concat_input=False,
               norm_cfg=NORM, dropout_ratio=0, align_corners=True,
               loss_decode=[dict(type='CrossEntropyLoss', use_sigmoid=True,
                                 loss_name='loss_ce'),
                            dict(type='DiceLoss', loss_name='loss_dice')])
    cfg.update(kwargs)
    with pytest.warns(UserWarning):  # 2 classes without out_channels=1
        return build_head(cfg)


def direct_boundaries(label: np.ndarray, threshold=0.1) -> np.ndarray:
    """Laplacian 8 x centre - sum of the 8 neighbours (zero padding),
    clamped at 0, at strides 1, 2 and 4; each map nearest-upsampled,
    thresholded, fused 0.6 / 0.3 / 0.1 and thresholded."""
    h, w = label.shape
    padded = np.pad(label.astype(np.float64), 1)
    maps = []
    for stride in (1, 2, 4):
        out_h, out_w = (h - 1) // stride + 1, (w - 1) // stride + 1
        small = np.zeros((out_h, out_w))
        for i in range(out_h):
            for j in range(out_w):
                y, x = i * stride + 1, j * stride + 1
                window = padded[y - 1:y + 2, x - 1:x + 2]
                small[i, j] = max(9 * padded[y, x] - window.sum(), 0)
        rows = (np.arange(h) * out_h) // h
        cols = (np.arange(w) * out_w) // w
        maps.append(small[rows][:, cols] > threshold)
    fused = 0.6 * maps[0] + 0.3 * maps[1] + 0.1 * maps[2]
    return (fused > threshold + 1e-6).astype(np.int64)


def test_boundary_targets_match_the_definition():
    gen = torch.Generator().manual_seed(0)
    label = torch.randint(0, 3, (2, 1, 3, 4), generator=gen)
    label = label.repeat_interleave(5, 2).repeat_interleave(4, 3)
    label[0, 0, :2, :3] = 255
    targets = head().boundary_targets(label)
    assert targets.dtype == torch.long and targets.shape == label.shape
    for i in range(2):
        expected = direct_boundaries(label[i, 0].numpy())
        assert np.array_equal(targets[i, 0].numpy(), expected)
    assert 0 < targets.float().mean() < 0.6  # boundaries, not everything


def test_losses_are_the_fcn_losses_of_the_boundaries():
    stdc = head()
    logits = torch.randn(2, 2, 8, 8)
    label = torch.zeros(2, 1, 16, 16, dtype=torch.long)
    label[:, :, 4:12, 4:12] = 1
    losses = stdc.losses(logits, label)
    assert set(losses) == {'loss_ce', 'loss_dice', 'acc_seg'}
    plain = FCNHead.losses(stdc, logits, stdc.boundary_targets(label))
    for key, value in plain.items():
        torch.testing.assert_close(losses[key], value)


def test_state_dict_keys_are_0_28s():
    keys = set(head().state_dict())
    assert {'laplacian_kernel', 'fusion_kernel'} <= keys
    assert not head().fusion_kernel.requires_grad
