"""Layer-wise learning-rate decay for BEiT, MAE and ConvNeXt backbones
(0.28's parameter grouping)."""
import warnings
from typing import List, Optional

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor

from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS
from mmseg.utils.errors import InvalidArgumentError

_EMBEDDINGS = ('backbone.cls_token', 'backbone.mask_token',
               'backbone.pos_embed')


def get_layer_id_for_convnext(var_name: str, max_layer_id: int) -> int:
    """Depth of a ConvNeXt parameter for ``layer_wise`` decay: stem and
    stage 0 at the bottom, stage 2 in groups of three blocks, stage 3 at
    ``max_layer_id``, everything outside the backbone above it."""
    if var_name in _EMBEDDINGS:
        return 0
    parts = var_name.split('.')
    if var_name.startswith('backbone.downsample_layers'):
        return (0, 2, 3, max_layer_id)[int(parts[2])]
    if var_name.startswith('backbone.stages'):
        stage_id, block_id = int(parts[2]), int(parts[3])
        return (1, 2, 3 + block_id // 3, max_layer_id)[stage_id]
    return max_layer_id + 1


def get_stage_id_for_convnext(var_name: str, max_stage_id: int) -> int:
    """Depth of a ConvNeXt parameter for ``stage_wise`` decay."""
    if var_name in _EMBEDDINGS or \
            var_name.startswith('backbone.downsample_layers'):
        return 0
    if var_name.startswith('backbone.stages'):
        return int(var_name.split('.')[2]) + 1
    return max_stage_id - 1


def get_layer_id_for_vit(var_name: str, max_layer_id: int) -> int:
    """Depth of a BEiT / MAE parameter: embeddings 0, block ``i`` at
    ``i + 1``, everything else ``max_layer_id - 1``."""
    if var_name in _EMBEDDINGS or var_name.startswith('backbone.patch_embed'):
        return 0
    if var_name.startswith('backbone.layers'):
        return int(var_name.split('.')[2]) + 1
    return max_layer_id - 1


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LearningRateDecayOptimizerConstructor(DefaultOptimWrapperConstructor):
    """Learning rate ``lr * decay_rate ** (num_layers + 1 - layer_id)`` per
    backbone depth (ConvNeXt, BEiT, MAE), weight decay off for biases and
    1-d parameters. One group per (depth, decay) pair, named
    ``layer_{id}_{decay|no_decay}``.

    Built by the runner (``optimizer.constructor`` of a 0.28 config) it
    gives an optim wrapper; called as in 0.28,
    ``Constructor(optimizer_cfg, paramwise_cfg)(model)``, a torch
    optimizer.

    Args:
        optim_wrapper_cfg: mmengine's optim-wrapper config, or 0.28's
            optimizer config (``type``, ``lr``, ...).
        paramwise_cfg: ``num_layers`` (backbone depth), ``decay_rate`` and
            ``decay_type`` ('layer_wise' (default), 'layer_wise_vit' or
            'stage_wise', ConvNeXt only).
    """

    def __init__(self, optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        self.returns_optimizer = 'optimizer' not in optim_wrapper_cfg
        if self.returns_optimizer:
            optim_wrapper_cfg = dict(type='OptimWrapper',
                                     optimizer=dict(optim_wrapper_cfg))
        paramwise_cfg = dict(paramwise_cfg or {})
        for key in ('num_layers', 'decay_rate'):
            if key not in paramwise_cfg:
                raise InvalidArgumentError(
                    f'{type(self).__name__}: paramwise_cfg needs {key!r} '
                    "(e.g. paramwise_cfg=dict(num_layers=12, "
                    'decay_rate=0.9))')
        decay_type = paramwise_cfg.get('decay_type', 'layer_wise')
        if 'layer_wise' not in decay_type and decay_type != 'stage_wise':
            raise InvalidArgumentError(
                f"{type(self).__name__}: paramwise_cfg.decay_type "
                f"{decay_type!r} must be 'layer_wise', 'layer_wise_vit' or "
                "'stage_wise'")
        super().__init__(optim_wrapper_cfg, paramwise_cfg)

    def __call__(self, model: nn.Module):
        wrapper = super().__call__(model)
        return wrapper.optimizer if self.returns_optimizer else wrapper

    def _layer_id(self, name: str, backbone: str, num_layers: int) -> int:
        if 'layer_wise' in self.paramwise_cfg.get('decay_type',
                                                  'layer_wise'):
            if 'ConvNeXt' in backbone:
                return get_layer_id_for_convnext(
                    name, self.paramwise_cfg['num_layers'])
            if 'BEiT' in backbone or 'MAE' in backbone:
                return get_layer_id_for_vit(name, num_layers)
        elif 'ConvNeXt' in backbone:
            return get_stage_id_for_convnext(name, num_layers)
        raise NotImplementedError(
            f'{type(self).__name__}: decay_type '
            f"{self.paramwise_cfg.get('decay_type', 'layer_wise')!r} has no "
            f'layer rule for backbone {backbone}')

    def add_params(self, params: List[dict], module: nn.Module,
                   **kwargs) -> None:
        """Append ``module``'s parameter groups to ``params``."""
        num_layers = self.paramwise_cfg['num_layers'] + 2
        decay_rate = self.paramwise_cfg['decay_rate']
        backbone = type(module.backbone).__name__
        groups = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            # 0.28 also exempted 'pos_embed' / 'cls_token' by bare name,
            # which never matches the 'backbone.' names: both decay
            decay = not (param.ndim == 1 or name.endswith('.bias'))
            layer_id = self._layer_id(name, backbone, num_layers)
            group_name = f'layer_{layer_id}_' + \
                ('decay' if decay else 'no_decay')
            if group_name not in groups:
                scale = decay_rate**(num_layers - layer_id - 1)
                groups[group_name] = dict(
                    weight_decay=self.base_wd if decay else 0.,
                    params=[], param_names=[], lr_scale=scale,
                    group_name=group_name, lr=scale * self.base_lr)
            groups[group_name]['params'].append(param)
            groups[group_name]['param_names'].append(name)
        print_log(
            f'{type(self).__name__}: {len(groups)} groups over {backbone} '
            f'({num_layers} depths, decay {decay_rate}): ' + ', '.join(
                f'{g["group_name"]} lr {g["lr"]:.3g} '
                f'({len(g["params"])})' for g in groups.values()),
            logger='current')
        params.extend(groups.values())


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimizerConstructor(LearningRateDecayOptimizerConstructor):
    """0.28's BEiT constructor: ``LearningRateDecayOptimizerConstructor``
    with ``decay_type='layer_wise_vit'`` and the rate given as
    ``paramwise_cfg.layer_decay_rate`` (deprecated in 0.28).

    Args:
        optim_wrapper_cfg: Optim-wrapper or 0.28 optimizer config.
        paramwise_cfg: ``num_layers`` and ``layer_decay_rate``.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict):
        warnings.warn('LayerDecayOptimizerConstructor is deprecated: use '
                      'LearningRateDecayOptimizerConstructor with '
                      "paramwise_cfg decay_type='layer_wise_vit' and "
                      'decay_rate', DeprecationWarning)
        paramwise_cfg = dict(paramwise_cfg or {})
        if 'layer_decay_rate' not in paramwise_cfg:
            raise InvalidArgumentError(
                'LayerDecayOptimizerConstructor: paramwise_cfg needs '
                "'layer_decay_rate' (e.g. layer_decay_rate=0.9)")
        paramwise_cfg['decay_rate'] = paramwise_cfg.pop('layer_decay_rate')
        paramwise_cfg['decay_type'] = 'layer_wise_vit'
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
