"""BEiT and MAE against 0.28 (fixtures made in the 0.28 environment)."""
import os.path as osp

import numpy as np
import pytest
import torch

from mmseg.models.backbones.beit import BEiT, geometric_resize_rel_pos_bias
from mmseg.registry import MODELS

REF = osp.join(osp.dirname(__file__), '..', '..', 'data', 'reference_028')


def _check_fixture(name):
    ref = torch.load(osp.join(REF, f'{name}.pt'))
    model = MODELS.build(dict(ref['config']))
    model.load_state_dict(ref['state_dict'], strict=True)
    for mode in ('eval', 'train'):
        model.train(mode == 'train')
        with torch.no_grad():
            outs = model(ref['input'])
        assert len(outs) == len(ref[mode])
        for out, expected in zip(outs, ref[mode]):
            torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize('name', ['beit', 'mae'])
def test_matches_028(name):
    _check_fixture(name)


def test_rel_pos_resize_matches_028_interp2d():
    # expected: 0.28's interp2d(kind='cubic') resize run under SciPy 1.13.1
    # (the last SciPy with interp2d; the 0.28 env has 1.17 without it)
    ref = np.load(osp.join(REF, 'beit_rel_pos_resize.npz'))
    for name, src, dst in (('small', 7, 11), ('real', 27, 79)):
        out = geometric_resize_rel_pos_bias(
            torch.from_numpy(ref[f'{name}_input']), src, dst)
        assert out.shape == (dst * dst, ref[f'{name}_input'].shape[1])
        np.testing.assert_allclose(out.numpy(), ref[f'{name}_expected'],
                                   atol=1e-6, rtol=0)


def test_pretrained_tables_are_resized(tmp_path):
    small = BEiT(img_size=24, patch_size=8, embed_dims=8, num_layers=1,
                 num_heads=2)
    small.init_weights()
    ckpt = tmp_path / 'beit.pth'
    torch.save(dict(state_dict=small.state_dict()), ckpt)
    big = BEiT(img_size=40, patch_size=8, embed_dims=8, num_layers=1,
               num_heads=2, init_cfg=dict(type='Pretrained',
                                          checkpoint=str(ckpt)))
    big.init_weights()
    table = big.layers[0].attn.relative_position_bias_table
    assert table.shape == (9 * 9 + 3, 2)
    source = small.layers[0].attn.relative_position_bias_table
    # the three class-token entries are copied; the centre offset stays
    torch.testing.assert_close(table[-3:], source[-3:])
    torch.testing.assert_close(table[(9 * 9) // 2], source[(5 * 5) // 2])
    torch.testing.assert_close(big.cls_token, small.cls_token)


def test_keys_and_outputs():
    model = BEiT(img_size=32, patch_size=16, embed_dims=8, num_layers=2,
                 num_heads=2, out_indices=(0, 1), final_norm=True)
    keys = set(model.state_dict())
    for key in ('cls_token', 'patch_embed.projection.weight', 'ln1.weight',
                'layers.1.gamma_2', 'layers.0.attn.q_bias',
                'layers.0.attn.relative_position_index',
                'layers.0.ffn.layers.0.0.weight',
                'layers.0.ffn.layers.1.bias'):
        assert key in keys
    outs = model(torch.randn(1, 3, 32, 32))
    assert [o.shape for o in outs] == [(1, 8, 2, 2)] * 2
    with pytest.raises(TypeError, match='out_indices'):
        BEiT(out_indices='last')


def test_norm_eval_keeps_layer_norms_in_eval():
    model = BEiT(img_size=16, patch_size=8, embed_dims=8, num_layers=1,
                 num_heads=2, norm_eval=True).train()
    assert not model.layers[0].ln1.training and model.layers[0].training
