import torch
import torch.nn.functional as F

from mmseg.models.builder import build_head
from tests.helpers import metas

CAC_LOSSES = [
    dict(type='CrossEntropyLoss', loss_weight=1.0),
    dict(type='CACLoss', loss_weight=0.4, temperature=0.1, threshold=2,
         max_sample=32)
]


def head_cfg(**kwargs) -> dict:
    cfg = dict(type='SegmenterMaskTransformerHead', in_channels=8,
               channels=8, num_classes=3, num_layers=1, num_heads=2,
               embed_dims=8, dropout_ratio=0.0)
    cfg.update(kwargs)
    return cfg


def test_masks_are_patch_class_products():
    head = build_head(head_cfg()).eval()
    head.init_weights()
    assert not hasattr(head, 'conv_seg')
    x = [torch.rand(2, 8, 4, 5)]
    logits = head(x)
    assert logits.shape == (2, 3, 4, 5)
    patches, classes, hw = head.mask_features(x)
    assert hw == (4, 5) and classes.shape == (2, 3, 8)
    torch.testing.assert_close(patches.norm(dim=2), torch.ones(2, 20))
    masks = F.layer_norm(patches @ classes.transpose(1, 2), (3, ),
                         head.mask_norm.weight, head.mask_norm.bias)
    torch.testing.assert_close(
        logits, masks.transpose(1, 2).reshape(2, 3, 4, 5))
    feats = head.decoder_features(x)
    assert feats.shape == (2, 8, 4, 5)
    torch.testing.assert_close(feats.flatten(2).transpose(1, 2), patches)


def test_028_keys():
    keys = set(build_head(head_cfg(num_layers=2)).state_dict())
    assert {'cls_emb', 'dec_proj.weight', 'patch_proj.weight',
            'classes_proj.weight', 'decoder_norm.weight', 'mask_norm.bias',
            'layers.1.ffn.layers.0.0.weight', 'layers.1.ln2.weight'} <= keys
    assert not any(k.startswith('conv_seg') for k in keys)
    assert 'patch_proj.bias' not in keys


def test_cac_train_step_reaches_the_projection():
    head = build_head(head_cfg(cac=dict(proj_channel=8, weight=1.5),
                                 loss_decode=CAC_LOSSES))
    head.train()
    x = [torch.rand(2, 8, 8, 8)]
    label = (torch.arange(32) * 3 // 32).expand(2, 1, 32, 32).clone()
    losses = head.forward_train(x, metas(2, 32, 32), label, dict())
    assert losses['loss_cac'] > 0
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert head.proj[0].conv.weight.grad.abs().sum() > 0
    assert head.weight_branch.cls_emb.grad.abs().sum() > 0
    # at test time the CAC head predicts as the plain head
    plain = build_head(head_cfg()).eval()
    plain.load_state_dict({k: v for k, v in head.state_dict().items()
                           if not k.startswith(('proj.', 'weight_branch.'))})
    head.eval()
    torch.testing.assert_close(head(x), plain(x))
