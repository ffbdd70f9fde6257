"""BiSeNetV2: output strides and channels, default initialisation."""
import torch

from mmseg.models import build_backbone


def test_outputs_aggregation_then_semantic_stages():
    model = build_backbone(dict(
        type='BiSeNetV2', detail_channels=(4, 4, 8),
        semantic_channels=(4, 4, 8, 8), semantic_expansion_ratio=2,
        bga_channels=8)).eval()  # eval: batch-1 global poolings
    outs = model(torch.randn(1, 3, 64, 64))
    assert [tuple(o.shape) for o in outs] == [
        (1, 8, 8, 8), (1, 4, 16, 16), (1, 4, 8, 8), (1, 8, 4, 4),
        (1, 8, 2, 2)]
    assert [c['type'] for c in model.init_cfg] == ['Kaiming', 'Constant']
    (head, ) = build_backbone(dict(
        type='BiSeNetV2', detail_channels=(4, 4, 8),
        semantic_channels=(4, 4, 8, 8), bga_channels=8,
        out_indices=(0, ))).eval()(torch.randn(1, 3, 32, 32))
    assert head.shape == (1, 8, 4, 4)
