"""ANNHead: 0.28 parity and CAC."""
import pytest
import torch

from mmseg.models import build_head
from tests.test_models.test_heads.reference_028 import (
    assert_head_matches_028,
    cac_train_step,
    load_case,
)


def test_matches_028():
    assert_head_matches_028('ann')


def test_cac_trains():
    cac_train_step('ann')


def test_needs_two_levels():
    cfg = dict(load_case('ann')['config'], in_channels=[8, 16, 16],
               in_index=[0, 1, 1])
    with pytest.raises(ValueError, match='two levels'):
        build_head(cfg)


def test_decoder_features_are_what_conv_seg_classifies():
    case = load_case('ann')
    head = build_head(dict(case['config']))
    head.load_state_dict(case['state_dict'])
    head.eval()
    with torch.no_grad():
        feats = head.decoder_features(case['inputs'])
        torch.testing.assert_close(head.conv_seg(feats),
                                   head(case['inputs']))
