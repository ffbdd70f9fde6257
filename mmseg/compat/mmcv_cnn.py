"""``mmcv.cnn`` weight-init helpers and ``revert_sync_batchnorm`` of 1.x."""
from mmengine.model import (
    constant_init,
    kaiming_init,
    normal_init,
    revert_sync_batchnorm,
    trunc_normal_init,
    uniform_init,
    xavier_init,
)

from ._register import add_missing

INIT_HELPERS = {
    'constant_init': constant_init, 'kaiming_init': kaiming_init,
    'normal_init': normal_init, 'trunc_normal_init': trunc_normal_init,
    'uniform_init': uniform_init, 'xavier_init': xavier_init,
}


def install() -> None:
    """Add the helpers to ``mmcv.cnn`` and ``mmcv.cnn.utils``."""
    names = dict(INIT_HELPERS, revert_sync_batchnorm=revert_sync_batchnorm)
    add_missing('mmcv.cnn', names)
    add_missing('mmcv.cnn.utils', names)
