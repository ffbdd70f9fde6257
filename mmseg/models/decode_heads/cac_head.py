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

:func:`build_cac_head` (called by ``mmseg.models.builder.build_head``, which
the segmentors build their heads with) builds the head,
builds a second instance of it from the same config as the confidence
branch and attaches both branches with :meth:`CACHeadMixin.add_cac`.
"""
import copy
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule

from mmseg.ops import resize

from ..losses import accuracy
from ..losses.utils import add_loss

CAC_ARGS = ('proj_channel', 'weight')


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

    def cac_forward_train(self, inputs, prev: Sequence[torch.Tensor],
                          gt_semantic_seg: torch.Tensor
                          ) -> Dict[str, torch.Tensor]:
        """Training losses of a head with CAC's branches.

        The projection's last conv runs only at the anchors the loss picks.
        """
        weight_logit = self.confidence_logits(inputs, *prev)
        seg_logit = self(inputs, *prev)
        hidden = self.projection_hidden(inputs)
        return self.cac_losses(seg_logit, hidden, weight_logit,
                               gt_semantic_seg, project=self.proj[1].pointwise)

    def cac_losses(self, seg_logit: torch.Tensor, proj_feature: torch.Tensor,
                   weight_logit: torch.Tensor, seg_label: torch.Tensor,
                   project: Optional[Callable] = None
                   ) -> Dict[str, torch.Tensor]:
        """``loss_ce``, ``loss_ce_weight``, ``loss_cac``, the accuracies
        and the CAC loss's diagnostics (``cac_anchors``, ...).

        Every pixel loss is applied to the segmentation logits and, times
        ``cac_weight``, to the confidence logits (``<name>_weight``); the
        OHEM weights, chosen on the segmentation logits, apply to both.

        Args:
            project: Applied by the branch losses to the anchors' gathered
                ``proj_feature`` (None: the features are final).
        """
        size = seg_label.shape[2:]
        cls_score = resize(seg_logit.float(), size=size, mode='bilinear',
                           align_corners=self.align_corners)
        weight_score = resize(weight_logit.float(), size=size,
                              mode='bilinear',
                              align_corners=self.align_corners)
        seg_weight = self._sample_weight(cls_score, seg_label)
        label = seg_label.squeeze(1)
        # the branch losses pair logits and projections pixel by pixel; a
        # head may predict at another stride than its input (DeepLabV3+)
        anchor_logits = [seg_logit, weight_logit]
        if seg_logit.shape[2:] != proj_feature.shape[2:]:
            anchor_logits = [
                resize(x, size=proj_feature.shape[2:], mode='bilinear',
                       align_corners=self.align_corners)
                for x in anchor_logits
            ]
        losses = dict()
        for loss_decode in self._loss_modules():
            name = loss_decode.loss_name
            if uses_branches(loss_decode):
                add_loss(losses, name, loss_decode(
                    predict=anchor_logits[0], feature_map=proj_feature,
                    label=label, weight_logit=anchor_logits[1],
                    ignore_index=self.ignore_index, project=project,
                    stats=losses))
                continue
            common = dict(weight=seg_weight, ignore_index=self.ignore_index)
            add_loss(losses, name, loss_decode(cls_score, label, **common))
            add_loss(losses, name + '_weight', self.cac_weight *
                     loss_decode(weight_score, label, **common))
        losses['acc_seg'] = accuracy(cls_score, label,
                                     ignore_index=self.ignore_index)
        losses['acc_seg_weight'] = accuracy(weight_score, label,
                                            ignore_index=self.ignore_index)
        return losses


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

