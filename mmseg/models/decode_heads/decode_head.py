import warnings
from abc import ABCMeta, abstractmethod
from typing import Callable, Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmseg.core.seg import build_pixel_sampler
from mmseg.ops import resize
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from ..losses import accuracy
from ..losses.utils import add_loss
from .cac_head import CACHeadMixin, uses_branches


class BaseDecodeHead(CACHeadMixin, BaseModule, metaclass=ABCMeta):
    """Base class of decode heads.

    Any head can train with CAC's branches (see :mod:`.cac_head`): a ``cac``
    key in its config attaches them.

    Args:
        in_channels: Input channels (a list with ``input_transform``).
        channels: Channels before ``conv_seg``.
        num_classes: Number of classes.
        out_channels: Channels of ``conv_seg``; 1 for binary segmentation
            with a ``threshold``, else ``num_classes``.
        threshold: Sigmoid threshold when ``out_channels == 1``.
        dropout_ratio: Dropout before ``conv_seg`` (<= 0: none).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
        in_index: Index (or indices) of the backbone outputs to use.
        input_transform: None (one input), 'resize_concat' (resize all to
            the first and concatenate) or 'multiple_select' (a list).
        loss_decode: Loss config, or a list of them; losses with the same
            ``loss_name`` are summed.
        ignore_index: Label ignored by losses and accuracy.
        sampler: Pixel sampler config, e.g. ``OHEMPixelSampler``.
        align_corners: ``align_corners`` of every resize.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 channels: int,
                 *,
                 num_classes: int,
                 out_channels: Optional[int] = None,
                 threshold: Optional[float] = None,
                 dropout_ratio: float = 0.1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: dict = dict(type='ReLU'),
                 in_index: Union[int, Sequence[int]] = -1,
                 input_transform: Optional[str] = None,
                 loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                                  loss_weight=1.0),
                 ignore_index: int = 255,
                 sampler: Optional[dict] = None,
                 align_corners: bool = False,
                 init_cfg=dict(type='Normal', std=0.01,
                               override=dict(name='conv_seg'))):
        super().__init__(init_cfg)
        self._init_inputs(in_channels, in_index, input_transform)
        self.channels = channels
        self.dropout_ratio = dropout_ratio
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.ignore_index = ignore_index
        self.align_corners = align_corners

        if out_channels is None:
            if num_classes == 2:
                warnings.warn('For binary segmentation, consider '
                              '`out_channels=1` with a `threshold`')
            out_channels = num_classes
        if out_channels not in (num_classes, 1):
            raise InvalidArgumentError(
                f'out_channels ({out_channels}) must equal num_classes '
                f'({num_classes}), or be 1 for binary segmentation')
        if out_channels == 1 and threshold is None:
            threshold = 0.3
            warnings.warn('threshold is not set for binary segmentation; '
                          'using 0.3')
        self.num_classes = num_classes
        self.out_channels = out_channels
        self.threshold = threshold

        if isinstance(loss_decode, dict):
            self.loss_decode = MODELS.build(loss_decode)
        elif isinstance(loss_decode, (list, tuple)):
            self.loss_decode = nn.ModuleList(
                MODELS.build(cfg) for cfg in loss_decode)
        else:
            raise TypeError('loss_decode must be a dict or a list of dicts, '
                            f'got {type(loss_decode)}')
        self.sampler = None if sampler is None else build_pixel_sampler(
            sampler, context=self)

        self.conv_seg = nn.Conv2d(channels, self.out_channels, kernel_size=1)
        self.dropout = nn.Dropout2d(dropout_ratio) if dropout_ratio > 0 \
            else None

    def extra_repr(self) -> str:
        return (f'input_transform={self.input_transform}, '
                f'ignore_index={self.ignore_index}, '
                f'align_corners={self.align_corners}')

    def _init_inputs(self, in_channels, in_index, input_transform) -> None:
        if input_transform not in (None, 'resize_concat', 'multiple_select'):
            raise InvalidArgumentError(
                f'unknown input_transform {input_transform!r}')
        self.input_transform = input_transform
        self.in_index = in_index
        if input_transform is None:
            assert isinstance(in_channels, int) and isinstance(in_index, int)
            self.in_channels = in_channels
            return
        assert isinstance(in_channels, (list, tuple))
        assert isinstance(in_index, (list, tuple))
        assert len(in_channels) == len(in_index)
        self.in_channels = sum(in_channels) \
            if input_transform == 'resize_concat' else in_channels

    def _transform_inputs(self, inputs: List[torch.Tensor]):
        """Select (and, for 'resize_concat', merge) the head's inputs."""
        if self.input_transform is None:
            return inputs[self.in_index]
        inputs = [inputs[i] for i in self.in_index]
        if self.input_transform == 'multiple_select':
            return inputs
        size = inputs[0].shape[2:]
        return torch.cat([
            resize(x, size=size, mode='bilinear',
                   align_corners=self.align_corners) for x in inputs
        ], dim=1)

    @abstractmethod
    def forward(self, inputs):
        """Return segmentation logits."""

    def forward_train(self, inputs, img_metas: List[dict],
                      gt_semantic_seg: torch.Tensor,
                      train_cfg: dict) -> Dict[str, torch.Tensor]:
        """Losses of the head for a batch.

        Args:
            inputs: Multi-level features.
            img_metas: Per-image meta dicts.
            gt_semantic_seg: Labels of shape (N, 1, H, W).
            train_cfg: The segmentor's training config.
        """
        return self.train_losses(inputs, (), gt_semantic_seg)

    def forward_test(self, inputs, img_metas: List[dict],
                     test_cfg: dict) -> torch.Tensor:
        """Segmentation logits for inference."""
        return self.forward(inputs)

    def decoder_features(self, inputs, *prev: torch.Tensor) -> torch.Tensor:
        """What :meth:`forward` hands :meth:`cls_seg`: the decoder's
        features before dropout and ``conv_seg``.

        Args:
            inputs: Multi-level features.
            *prev: The previous stage's logits, for a cascade stage.

        Returns:
            Features (N, ``channels``, h, w).
        """
        seen = []
        classifier = self.conv_seg if self.dropout is None else self.dropout
        handle = classifier.register_forward_pre_hook(
            lambda module, args: seen.append(args[0]))
        try:
            self(inputs, *prev)
        finally:
            handle.remove()
        if len(seen) != 1:
            raise RuntimeError(
                f'{type(self).__name__}.forward ran its classifier '
                f'{len(seen)} times; decoder_features needs exactly one')
        return seen[0]

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        """Classify each pixel."""
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.conv_seg(feat)

    def _loss_modules(self) -> List[nn.Module]:
        if isinstance(self.loss_decode, nn.ModuleList):
            return list(self.loss_decode)
        return [self.loss_decode]

    def pixel_losses(self) -> List[nn.Module]:
        """Losses that take (logits, labels); OHEM ranks pixels with them."""
        return [m for m in self._loss_modules() if not uses_branches(m)]

    def _sample_weight(self, seg_logit, seg_label):
        if self.sampler is None:
            return None
        return self.sampler.sample(seg_logit, seg_label)

    def train_losses(self, inputs, prev: Sequence[torch.Tensor],
                     gt_semantic_seg: torch.Tensor
                     ) -> Dict[str, torch.Tensor]:
        """Run the head (and CAC's branches) and return :meth:`losses`.

        With CAC the projection's last conv runs only at the anchors the
        loss picks (``project``).

        Args:
            inputs: Multi-level features.
            prev: The previous stage's logits, for a cascade stage.
            gt_semantic_seg: Labels of shape (N, 1, H, W).
        """
        if not self.with_cac:
            return self.losses(self(inputs, *prev), gt_semantic_seg)
        confidence = self.confidence_logits(inputs, *prev)
        seg_logit = self(inputs, *prev)
        return self.losses(seg_logit, gt_semantic_seg, confidence,
                           self.projection_hidden(inputs),
                           project=self.proj[1].pointwise)

    def losses(self, seg_logit: torch.Tensor, seg_label: torch.Tensor,
               confidence_logits: Optional[torch.Tensor] = None,
               projection: Optional[torch.Tensor] = None,
               project: Optional[Callable] = None
               ) -> Dict[str, torch.Tensor]:
        """Losses and ``acc_seg`` from logits and (N, 1, H, W) labels.

        With CAC's branches (``confidence_logits`` and ``projection``)
        every pixel loss also applies, times ``cac_weight``, to the
        confidence logits (``<name>_weight``, ``acc_seg_weight``), with the
        OHEM weights chosen on the segmentation logits; the branch losses
        (``loss_cac``) add their diagnostics (``cac_anchors``, ...).

        Args:
            seg_logit: Segmentation logits.
            seg_label: Labels of shape (N, 1, H, W).
            confidence_logits: Logits of the confidence branch.
            projection: Projection features of the branch losses.
            project: Applied by the branch losses to the anchors' gathered
                ``projection`` (None: the features are final).
        """
        with_branches = confidence_logits is not None
        if not with_branches:
            self.check_cac_losses()
        resized = [resize(x.float(), size=seg_label.shape[2:],
                          mode='bilinear', align_corners=self.align_corners)
                   for x in (seg_logit, confidence_logits) if x is not None]
        seg_weight = self._sample_weight(resized[0], seg_label)
        label = seg_label.squeeze(1)
        if with_branches:
            # the branch losses pair logits and projections pixel by pixel;
            # a head may predict at another stride than its input
            anchor_logits = [seg_logit, confidence_logits]
            if seg_logit.shape[2:] != projection.shape[2:]:
                anchor_logits = [
                    resize(x, size=projection.shape[2:], mode='bilinear',
                           align_corners=self.align_corners)
                    for x in anchor_logits
                ]
        loss = dict()
        for loss_decode in self._loss_modules():
            name = loss_decode.loss_name
            if uses_branches(loss_decode):
                # without the branches' outputs: the pixel losses only
                if with_branches:
                    add_loss(loss, name, loss_decode(
                        predict=anchor_logits[0], feature_map=projection,
                        label=label, weight_logit=anchor_logits[1],
                        ignore_index=self.ignore_index, project=project,
                        stats=loss))
                continue
            common = dict(weight=seg_weight, ignore_index=self.ignore_index)
            add_loss(loss, name, loss_decode(resized[0], label, **common))
            if with_branches:
                add_loss(loss, name + '_weight', self.cac_weight *
                         loss_decode(resized[1], label, **common))
        loss['acc_seg'] = accuracy(resized[0], label,
                                   ignore_index=self.ignore_index)
        if with_branches:
            loss['acc_seg_weight'] = accuracy(
                resized[1], label, ignore_index=self.ignore_index)
        return loss
