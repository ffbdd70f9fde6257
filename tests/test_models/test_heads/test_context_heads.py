"""Variants of the new heads that the 0.28 fixtures do not cover."""
import pytest
import torch
from mmengine.config import ConfigDict

from mmseg.models.decode_heads import FPNHead, PointHead, PSAHead
from mmseg.models.decode_heads.enc_head import EncHead
from mmseg.ops import resize


@pytest.mark.parametrize('psa_type', ['collect', 'distribute',
                                      'bi-direction'])
@pytest.mark.parametrize('compact', [False, True])
def test_psa_head_variants(psa_type, compact):
    # compact maps need a mask of the attention map's size (4x4 -> 16)
    head = PSAHead(mask_size=(4, 4) if compact else (5, 5),
                   psa_type=psa_type, compact=compact, in_channels=8,
                   channels=4, num_classes=3)
    out = head([torch.randn(2, 8, 8, 8)])
    assert out.shape == (2, 3, 8, 8)
    # odd sizes round up and resize with align_corners
    head = PSAHead(mask_size=(5, 5), psa_type=psa_type, in_channels=8,
                   channels=4, num_classes=3)
    assert head([torch.randn(1, 8, 7, 7)]).shape == (1, 3, 7, 7)


def test_psa_head_rejects_unknown_type():
    with pytest.raises(ValueError, match='psa_type'):
        PSAHead(mask_size=(3, 3), psa_type='both', in_channels=8,
                channels=4, num_classes=3)


def test_fpn_head_stride_errors():
    with pytest.raises(ValueError, match='one stride per level'):
        FPNHead(feature_strides=[4, 8], in_channels=[4, 4, 4],
                in_index=[0, 1, 2], channels=4, num_classes=2)
    with pytest.raises(ValueError, match='smallest'):
        FPNHead(feature_strides=[8, 4], in_channels=[4, 4], in_index=[0, 1],
                channels=4, num_classes=2)


def test_enc_head_class_presence_ignores_the_ignore_index():
    label = torch.tensor([[[0, 2], [255, 2]], [[1, 1], [1, 1]]])
    present = EncHead._class_presence(label, 4)
    assert present.tolist() == [[1, 0, 1, 0], [0, 1, 0, 0]]


def point_head():
    return PointHead(in_channels=[4], in_index=[0], channels=6,
                     num_classes=3)


def test_point_head_inference_refines_the_most_uncertain_cells():
    torch.manual_seed(0)
    head = point_head().eval()
    feats, coarse = [torch.randn(1, 4, 8, 8)], torch.randn(1, 3, 4, 4)
    cfg = ConfigDict(subdivision_steps=2, scale_factor=2,
                     subdivision_num_points=10)
    with torch.no_grad():
        out = head.forward_test(feats, coarse, None, cfg)
        again = head.forward_test(feats, coarse, None, cfg)
    assert out.shape == (1, 3, 16, 16)
    torch.testing.assert_close(out, again, rtol=0, atol=0)
    # one step: outside the 10 refined cells, the bilinear upsampling
    with torch.no_grad():
        one = head.forward_test(feats, coarse, None,
                                dict(cfg, subdivision_steps=1))
    plain = resize(coarse, scale_factor=2, mode='bilinear',
                   align_corners=False)
    assert (one != plain).any(dim=1).sum() == 10


def test_point_head_names_a_missing_config_key():
    head = point_head()
    with pytest.raises(KeyError, match='num_points in the model train_cfg'):
        head.forward_train([torch.randn(1, 4, 8, 8)], torch.randn(1, 3, 4, 4),
                           None, torch.zeros(1, 1, 16, 16, dtype=torch.long),
                           ConfigDict())
