"""0.28 builder names over the single ``MODELS`` registry."""
import warnings

import torch
import torch.nn as nn
from mmengine.model import revert_sync_batchnorm

from mmseg.registry import MODELS

from .decode_heads.cac_head import build_cac_head

__all__ = ['MODELS', 'BACKBONES', 'NECKS', 'HEADS', 'LOSSES', 'SEGMENTORS']

BACKBONES = MODELS
NECKS = MODELS
HEADS = MODELS
LOSSES = MODELS
SEGMENTORS = MODELS


def build_backbone(cfg: dict) -> nn.Module:
    """Build a backbone."""
    return BACKBONES.build(cfg)


def build_neck(cfg: dict) -> nn.Module:
    """Build a neck."""
    return NECKS.build(cfg)


def build_head(cfg: dict) -> nn.Module:
    """Build a decode or auxiliary head.

    A ``cac`` key in ``cfg`` adds CAC's branches to any head
    (:func:`~mmseg.models.decode_heads.cac_head.build_cac_head`); a CAC loss
    on a head without them is refused here.
    """
    if isinstance(cfg, dict) and 'cac' in cfg:
        return build_cac_head(cfg, HEADS.build)
    head = HEADS.build(cfg)
    check_cac_losses = getattr(head, 'check_cac_losses', None)
    if check_cac_losses is not None:
        check_cac_losses()
    return head


def build_loss(cfg: dict) -> nn.Module:
    """Build a loss."""
    return LOSSES.build(cfg)


def fall_back_from_sync_bn(model: nn.Module) -> nn.Module:
    """Swap SyncBN for BN when CUDA is absent, warning once.

    SyncBN synchronises statistics through CUDA collectives; on CPU (also
    under gloo DDP) each process then normalises with its own batch.
    """
    if torch.cuda.is_available():
        return model
    if not any(isinstance(m, nn.SyncBatchNorm) for m in model.modules()):
        return model
    warnings.warn('SyncBN needs CUDA: it is replaced by BN, so batch '
                  'statistics are computed per process', stacklevel=2)
    return revert_sync_batchnorm(model)


def build_segmentor(cfg: dict, train_cfg: dict = None,
                    test_cfg: dict = None) -> nn.Module:
    """Build a segmentor; ``train_cfg``/``test_cfg`` may also sit in ``cfg``.

    SyncBN layers become BN when CUDA is not available.
    """
    if train_cfg is not None or test_cfg is not None:
        warnings.warn('train_cfg and test_cfg arguments are deprecated; '
                      'put them in the model config', DeprecationWarning)
    assert cfg.get('train_cfg') is None or train_cfg is None, \
        'train_cfg given both in the model config and as an argument'
    assert cfg.get('test_cfg') is None or test_cfg is None, \
        'test_cfg given both in the model config and as an argument'
    default_args = {k: v for k, v in (('train_cfg', train_cfg),
                                      ('test_cfg', test_cfg)) if v is not None}
    model = SEGMENTORS.build(cfg, default_args=default_args or None)
    return fall_back_from_sync_bn(model)
