"""BiSeNetV1: output strides and channels, argument checks."""
import pytest
import torch

from mmseg.models import build_backbone

RESNET = dict(type='ResNet', depth=18, base_channels=2, stem_channels=2,
              out_indices=(0, 1, 2, 3))


def bisenet(**kwargs):
    cfg = dict(type='BiSeNetV1', backbone_cfg=RESNET,
               context_channels=(4, 8, 16), spatial_channels=(2, 2, 4, 4),
               out_channels=8)
    cfg.update(kwargs)
    return build_backbone(cfg).eval()  # eval: batch-1 global poolings


def test_outputs_fused_then_context_features():
    outs = bisenet()(torch.randn(1, 3, 64, 96))
    assert [tuple(o.shape) for o in outs] == [(1, 8, 8, 12), (1, 4, 8, 12),
                                              (1, 4, 4, 6)]
    (fused, ) = bisenet(out_indices=(0, ))(torch.randn(1, 3, 32, 32))
    assert fused.shape == (1, 8, 4, 4)


def test_channel_counts_are_checked():
    with pytest.raises(ValueError, match='spatial_channels needs 4 values'):
        bisenet(spatial_channels=(2, 2, 4))
    with pytest.raises(ValueError, match='context_channels 3'):
        bisenet(context_channels=(4, 8))
