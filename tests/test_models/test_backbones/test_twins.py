"""Twins PCPVT and SVT against 0.28 (fixtures made in the 0.28 env)."""
import os.path as osp

import pytest
import torch

from mmseg.models.backbones import PCPVT, SVT
from mmseg.models.backbones.twins import LocallyGroupedSelfAttention
from mmseg.registry import MODELS

REF = osp.join(osp.dirname(__file__), '..', '..', 'data', 'reference_028')


@pytest.mark.parametrize('name', ['pcpvt', 'svt'])
def test_matches_028(name):
    # the SVT input (52x44) pads the LSA windows at the bottom and right
    ref = torch.load(osp.join(REF, f'{name}.pt'))
    model = MODELS.build(dict(ref['config']))
    model.load_state_dict(ref['state_dict'], strict=True)
    for mode in ('eval', 'train'):
        model.train(mode == 'train')
        with torch.no_grad():
            outs = model(ref['input'])
        for out, expected in zip(outs, ref[mode]):
            torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


def test_svt_alternates_lsa_and_gsa():
    model = SVT(embed_dims=[8, 16, 32], num_heads=[1, 2, 4],
                depths=[2, 2, 2])
    kinds = [type(block).__name__ for block in model.layers[0]]
    assert kinds == ['LSAEncoderLayer', 'GSAEncoderLayer']
    assert 'norm_list.2.weight' in model.state_dict()


def test_pcpvt_keys():
    keys = set(PCPVT(embed_dims=[8, 16, 32, 64], depths=[1, 1, 1, 1])
               .state_dict())
    for key in ('patch_embeds.0.projection.weight', 'patch_embeds.0.norm.bias',
                'position_encodings.3.proj.weight',
                'layers.0.0.attn.attn.in_proj_weight',
                'layers.0.0.attn.sr.weight',
                'layers.3.0.ffn.layers.1.weight'):
        assert key in keys
    assert not any(k.startswith('norm_list') for k in keys)


def test_lsa_rejects_indivisible_heads():
    with pytest.raises(ValueError, match='num_heads'):
        LocallyGroupedSelfAttention(10, num_heads=3)
