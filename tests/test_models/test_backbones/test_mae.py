"""MAE specifics: biases, position embedding, initialisation."""
import math

import torch

from mmseg.models.backbones import MAE


def test_qkv_bias_and_pos_embed():
    model = MAE(img_size=32, patch_size=16, embed_dims=8, num_layers=2,
                num_heads=2)
    keys = set(model.state_dict())
    assert 'pos_embed' in keys and 'layers.0.attn.qkv.bias' in keys
    assert 'layers.0.attn.q_bias' not in keys
    assert model.pos_embed.shape == (1, 5, 8)


def test_init_scales_projections_by_depth():
    torch.manual_seed(0)
    # an init_cfg that leaves the linears alone keeps the rescaled start
    # (as in 0.28, the default jax-style init draws them again)
    model = MAE(img_size=16, patch_size=8, embed_dims=64, num_layers=3,
                num_heads=2, init_cfg=dict(type='Constant', val=1,
                                           layer='Conv2d'))
    model.init_weights()
    stds = [layer.attn.proj.weight.std().item() for layer in model.layers]
    # trunc-normal(0.02) divided by sqrt(2 i)
    for i, std in enumerate(stds, start=1):
        assert abs(std * math.sqrt(2 * i) - 0.0188) < 0.003
    assert model.layers[0].attn.relative_position_bias_table.abs().sum() == 0


def test_pretrained_pos_embed_resized(tmp_path):
    small = MAE(img_size=32, patch_size=8, embed_dims=8, num_layers=1,
                num_heads=2)
    torch.nn.init.normal_(small.pos_embed)
    ckpt = tmp_path / 'mae.pth'
    torch.save(small.state_dict(), ckpt)
    big = MAE(img_size=48, patch_size=8, embed_dims=8, num_layers=1,
              num_heads=2, init_cfg=dict(type='Pretrained',
                                         checkpoint=str(ckpt)))
    big.init_weights()
    assert big.pos_embed.shape == (1, 37, 8)
    torch.testing.assert_close(big.pos_embed[:, 0], small.pos_embed[:, 0])
