"""DMHead: 0.28 parity and CAC."""
from tests.test_models.test_heads.reference_028 import (
    assert_head_matches_028,
    cac_train_step,
)


def test_matches_028():
    assert_head_matches_028('dmnet')


def test_cac_trains():
    cac_train_step('dmnet')
