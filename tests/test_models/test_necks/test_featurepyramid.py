"""Feature2Pyramid against 0.28 (fixture made in the 0.28 env)."""
import os.path as osp

import pytest
import torch

from mmseg.models.necks import Feature2Pyramid
from mmseg.registry import MODELS

REF = osp.join(osp.dirname(__file__), '..', '..', 'data', 'reference_028')


def test_matches_028():
    ref = torch.load(osp.join(REF, 'f2p.pt'))
    neck = MODELS.build(dict(ref['config']))
    neck.load_state_dict(ref['state_dict'], strict=True)
    for mode in ('eval', 'train'):
        neck.train(mode == 'train')
        with torch.no_grad():
            outs = neck(ref['input'])
        for out, expected in zip(outs, ref[mode]):
            torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


def test_downsampling_pyramid():
    neck = Feature2Pyramid(4, rescales=[2, 1, 0.5, 0.25],
                           norm_cfg=dict(type='BN'))
    outs = neck([torch.randn(1, 4, 8, 8)] * 4)
    assert [o.shape[-1] for o in outs] == [16, 8, 4, 2]
    assert list(neck.state_dict()) == ['upsample_2x.0.weight',
                                       'upsample_2x.0.bias']


def test_bad_rescale_and_input_count():
    with pytest.raises(KeyError, match='rescales entry 3'):
        Feature2Pyramid(4, rescales=[3])
    neck = Feature2Pyramid(4, norm_cfg=dict(type='BN'))
    with pytest.raises(ValueError, match='got 2 maps for 4'):
        neck([torch.randn(1, 4, 4, 4)] * 2)
