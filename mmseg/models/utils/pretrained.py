"""0.28's ``pretrained`` argument of the backbones, as an ``init_cfg``."""
from typing import Optional, Union

InitCfg = Union[None, dict, list]
# what the convolutional backbones start from without a checkpoint
CONV_NORM_INIT = [
    dict(type='Kaiming', layer='Conv2d'),
    dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
]


def pretrained_init_cfg(pretrained: Optional[str], init_cfg: InitCfg,
                        default: InitCfg = None) -> InitCfg:
    """The ``init_cfg`` a backbone passes to ``BaseModule``.

    Args:
        pretrained: Checkpoint path or URL (0.28's deprecated argument).
        init_cfg: The given ``init_cfg``; exclusive with ``pretrained``.
        default: Used when neither is given.

    Returns:
        A ``Pretrained`` init config, ``init_cfg``, or ``default``.
    """
    assert not (init_cfg and pretrained), \
        'init_cfg and pretrained cannot be set at the same time'
    if isinstance(pretrained, str):
        return dict(type='Pretrained', checkpoint=pretrained)
    if pretrained is not None:
        raise TypeError('pretrained must be a str or None')
    return default if init_cfg is None else init_cfg
