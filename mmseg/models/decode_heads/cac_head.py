"""CAC's training branches, for any decode head.

A head with CAC has, while training, three outputs: its segmentation logits,
projection features for the contrastive loss (``proj``, on the head's
inputs) and confidence logits from ``weight_branch``, a copy of the head's
decoder fed with detached inputs. At test time only the segmentation logits
are computed, so the deployed model is the plain head.

A config switches CAC on for any registered head with a ``cac`` key::

    decode_head=dict(type='UPerHead', ..., cac=dict(proj_channel=256,
                                                    weight=1.5),
                     loss_decode=[dict(type='CrossEntropyLoss'),
                                  dict(type='CACLoss', loss_weight=0.4)])

Where CAC lives, in reading order (one training step, top-down):

1. ``mmseg/models/builder.py`` ``build_head``: a ``cac`` key goes to
   :func:`build_cac_head` (this file), which builds the head, a second
   instance as the confidence branch, and attaches both
   (:meth:`CACHeadMixin.add_cac`).
2. ``decode_head.py`` ``BaseDecodeHead.train_losses`` / ``losses``: the one
   loss path; with CAC it runs the three outputs of this file's mixin
   (:meth:`~CACHeadMixin.confidence_logits`,
   :meth:`~CACHeadMixin.projection_hidden`) through every loss.
3. ``mmseg/models/losses/cac_loss.py`` (the loss: anchors, confidence
   weighted contrast), ``cac_memory.py`` (the cross-image memory),
   ``cac_diagnostics.py`` (anchor and pair statistics).
4. ``mmseg/engine/hooks/cac_hooks.py``: the warm-up, final-stop and
   projection-detach hooks, and the memory's checkpoint state.
5. ``cac_original_heads.py``: the original repository's three heads
   (smaller branches, same keys).
6. Checkpoint keys of the branches (:func:`cac_branch_keys`,
   :func:`drop_cac_branches`) are at the end of this file; the segmentor
   exposes the outputs (``EncoderDecoder.cac_features``) and its heads
   (``BaseSegmentor.heads``).
"""
import copy
import re
from typing import Callable, Iterable, List, NamedTuple, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.logging import print_log

from mmseg.ops import resize

CAC_ARGS = ('proj_channel', 'weight')
# ``decode_head.proj.0.*``, ``decode_head.1.weight_branch.*``, PSAHead's
# ``cac_proj.*`` (its own ``proj.conv.*`` is a 0.28 layer, not CAC's), ...
_BRANCH_KEY = re.compile(
    r'^(decode_head|auxiliary_head)(\.\d+)?\.'
    r'(proj\.\d+|cac_proj|weight_branch)\.')


class CACOutputs(NamedTuple):
    """A CAC head's three outputs, at the head's output resolution."""

    logits: torch.Tensor  # segmentation logits (N, num_classes, h, w)
    projection: torch.Tensor  # embeddings of the contrastive loss
    confidence_logits: torch.Tensor  # of the confidence branch


class Residual(nn.Module):
    """``x + module(x)``; the wrapped module's keys get a ``module.`` part."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.module(x)

    def pointwise(self, x: torch.Tensor) -> torch.Tensor:
        """The same map on gathered pixels ``(N, C)``; needs a 1x1 conv."""
        conv = self.module.conv
        return x + F.linear(x, conv.weight.flatten(1), conv.bias)


def build_projection(in_channels: int, proj_channel: int,
                     conv_cfg: Optional[dict], norm_cfg: Optional[dict],
                     act_cfg: Optional[dict]) -> nn.Sequential:
    """1x1 conv-norm-act, then a residual 1x1 conv (no norm, no act)."""
    return nn.Sequential(
        ConvModule(in_channels, proj_channel, 1, conv_cfg=conv_cfg,
                   norm_cfg=norm_cfg, act_cfg=act_cfg),
        Residual(ConvModule(proj_channel, proj_channel, 1, conv_cfg=conv_cfg,
                            norm_cfg=None, act_cfg=None)))


def uses_branches(loss: nn.Module) -> bool:
    """Whether a loss reads CAC's branches (it says so in
    ``branch_inputs``) rather than only logits and labels."""
    return bool(getattr(loss, 'branch_inputs', ()))


class CACHeadMixin:
    """CAC's branches and losses; mixed into ``BaseDecodeHead``.

    Without :meth:`add_cac` a head is plain and none of this runs.
    Subclasses may override :meth:`confidence_logits` when their
    confidence branch is not a complete copy of the head.

    The host (``BaseDecodeHead``) provides ``in_channels``, ``conv_cfg``,
    ``norm_cfg``, ``act_cfg``, ``align_corners``, ``_transform_inputs`` and
    ``_loss_modules``; its ``losses`` computes the losses of all branches.
    """

    cac_weight: Optional[float] = None
    project_detach = False  # see ``project_head_detach_warmup_hook``

    @property
    def with_cac(self) -> bool:
        return self.cac_weight is not None

    def add_cac(self, confidence_branch: nn.Module, proj_channel: int = 256,
                weight: float = 1.0) -> None:
        """Attach CAC's branches.

        Args:
            confidence_branch: Maps detached inputs to confidence logits.
            proj_channel: Channels of the projection features.
            weight: Factor of the confidence branch's pixel losses.
        """
        in_channels = self.in_channels
        if isinstance(in_channels, (list, tuple)):
            in_channels = sum(in_channels)
        self.proj = build_projection(in_channels, proj_channel,
                                     self.conv_cfg, self.norm_cfg,
                                     self.act_cfg)
        self.weight_branch = confidence_branch
        self.cac_weight = weight
        if not self.branch_losses():
            raise ValueError(
                f'{type(self).__name__} has CAC branches but no loss that '
                "uses them: add dict(type='CACLoss', ...) to its loss_decode")

    def branch_losses(self) -> List[nn.Module]:
        """Losses that read the projection and confidence branches."""
        return [m for m in self._loss_modules() if uses_branches(m)]

    def check_cac_losses(self) -> None:
        """A loss that needs CAC's branches is an error on a plain head."""
        if self.branch_losses() and not self.with_cac:
            names = [type(m).__name__ for m in self.branch_losses()]
            raise ValueError(
                f'{type(self).__name__}: {", ".join(names)} needs CAC '
                'branches: add cac=dict(proj_channel=256, weight=1.0) to '
                'the head config')

    def projection_input(self, inputs: Sequence[torch.Tensor]):
        """The head's transformed inputs; several levels are resized to the
        first one and concatenated."""
        x = self._transform_inputs(inputs)
        if isinstance(x, (list, tuple)):
            size = x[0].shape[2:]
            x = torch.cat([
                resize(f, size=size, mode='bilinear',
                       align_corners=self.align_corners) for f in x
            ], dim=1)
        return x

    def projection_hidden(self, inputs) -> torch.Tensor:
        """Projection features before the last (pointwise) conv."""
        x = self.projection_input(inputs)
        return self.proj[0](x.detach() if self.project_detach else x)

    def confidence_logits(self, inputs, *prev: torch.Tensor) -> torch.Tensor:
        """Logits of the confidence branch on detached inputs."""
        return self.weight_branch([f.detach() for f in inputs],
                                  *(p.detach() for p in prev))

    def cac_outputs(self, inputs, *prev: torch.Tensor) -> CACOutputs:
        """Segmentation logits, projection features, confidence logits.

        Args:
            inputs: Multi-level features.
            *prev: The previous stage's logits, for a cascade stage.
        """
        weight_logit = self.confidence_logits(inputs, *prev)
        seg_logit = self(inputs, *prev)
        proj = self.proj[1](self.projection_hidden(inputs))
        return CACOutputs(seg_logit, proj, weight_logit)


def build_cac_head(cfg: dict, build: Callable[[dict], nn.Module]):
    """Build a head config that carries a ``cac`` key.

    Args:
        cfg: Head config; ``cac`` holds :meth:`CACHeadMixin.add_cac`'s
            ``proj_channel`` and ``weight``.
        build: Builds a config without ``cac`` (the registry's builder).

    Returns:
        The head, with a second instance of it (plain losses, no sampler)
        as its confidence branch.
    """
    cfg = copy.deepcopy(dict(cfg))
    cac = cfg.pop('cac')
    if not isinstance(cac, dict):
        raise TypeError(f"{cfg.get('type')}: cac must be a dict such as "
                        f'dict(proj_channel=256, weight=1.0), got {cac!r}')
    unknown = sorted(set(cac) - set(CAC_ARGS))
    if unknown:
        raise TypeError(f"{cfg.get('type')}: unknown key(s) {unknown} in "
                        f'cac; it takes {", ".join(CAC_ARGS)}')
    head = build(cfg)
    if not isinstance(head, CACHeadMixin):
        raise TypeError(f"cac applies to decode heads; {cfg.get('type')} is "
                        f'a {type(head).__name__}')
    if head.with_cac:
        raise ValueError(f"{cfg.get('type')} has CAC's branches already: "
                         'remove the cac key')
    branch_cfg = dict(cfg, loss_decode=dict(type='CrossEntropyLoss'))
    if branch_cfg.get('sampler') is not None:
        branch_cfg['sampler'] = None
    head.add_cac(build(branch_cfg), **cac)
    return head


def plain_head_cfg(cfg: dict, registry) -> dict:
    """The head config without CAC: no ``cac`` key, the plain head type
    of a ``CAC*Head``, and no loss that reads CAC's branches."""
    cfg = copy.deepcopy(dict(cfg))
    cfg.pop('cac', None)
    plain_type = getattr(registry.get(cfg['type']), 'plain_type', None)
    if plain_type is not None:
        cfg['type'] = plain_type
        for key in CAC_ARGS:
            cfg.pop(key, None)
    losses = cfg.get('loss_decode')
    if isinstance(losses, (list, tuple)):
        cfg['loss_decode'] = [
            loss for loss in losses
            if not uses_branches(registry.get(loss['type']))
        ]
    return cfg


def cac_branch_keys(keys: Iterable[str]) -> List[str]:
    """The state-dict keys of CAC's training branches (``proj``,
    ``weight_branch``) under a decode or auxiliary head."""
    return [k for k in keys if _BRANCH_KEY.match(k)]


def drop_cac_branches(model: nn.Module, state: dict, filename: str) -> dict:
    """``state`` without CAC's branches when ``model`` has none (the
    ``drop`` of ``mmseg.utils.load_weights`` for testing).

    Only the segmentation branch runs at test time, so a CAC checkpoint
    tests under its plain config; the dropped keys are logged.
    """
    own = model.state_dict()
    dropped = cac_branch_keys(k for k in state if k not in own)
    if not dropped:
        return state
    heads = sorted({re.split(r'\.(?:cac_)?proj\.|\.weight_branch\.', k)[0]
                    for k in dropped})
    print_log(f'{filename}: {len(dropped)} keys of CAC training branches '
              f'({", ".join(heads)}: proj, weight_branch) are not used by '
              'this model and are dropped', logger='current')
    return {k: v for k, v in state.items() if k not in set(dropped)}
