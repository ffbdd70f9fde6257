from typing import Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule

from mmseg.ops import PSAMask, resize
from mmseg.registry import MODELS

from .cac_head import CACOutputs
from .decode_head import BaseDecodeHead

PSA_TYPES = ('collect', 'distribute', 'bi-direction')


@MODELS.register_module()
class PSAHead(BaseDecodeHead):
    """PSANet's point-wise spatial attention head (ECCV 2018).

    Each branch ('collect', 'distribute' or both) reduces the input,
    predicts every pixel's attention over a ``mask_size`` window, turns it
    into a full attention map with :class:`PSAMask` and aggregates the
    reduced features with it; the result is projected back, upsampled and
    fused with the input.

    The head has its own ``proj`` layer (a 0.28 key), so with CAC the
    contrastive projection is ``cac_proj``.

    Args:
        mask_size: ``(mask_h, mask_w)``, usually the attention map's size.
        psa_type: 'collect', 'distribute' or 'bi-direction'.
        compact: Use the compact map instead of :class:`PSAMask`: the
            predicted map is read as an ``(h * w, h * w)`` matrix (transposed
            for 'collect' and for the distribute branch of 'bi-direction').
        shrink_factor: Downsampling of the features before the attention.
        normalization_factor: Divides the aggregated features (None:
            ``mask_h * mask_w``).
        psa_softmax: Softmax over the attention map.
    """

    def __init__(self,
                 mask_size: Sequence[int],
                 psa_type: str = 'bi-direction',
                 compact: bool = False,
                 shrink_factor: int = 2,
                 normalization_factor: float = 1.0,
                 psa_softmax: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        if psa_type not in PSA_TYPES:
            raise ValueError(f'psa_type must be one of {PSA_TYPES}, got '
                             f'{psa_type!r}')
        self.psa_type = psa_type
        self.compact = compact
        self.shrink_factor = shrink_factor
        self.mask_size = mask_size
        mask_h, mask_w = mask_size
        self.psa_softmax = psa_softmax
        if normalization_factor is None:
            normalization_factor = mask_h * mask_w
        self.normalization_factor = normalization_factor

        self.reduce = self._conv1x1(self.in_channels, self.channels)
        self.attention = self._attention(mask_h * mask_w)
        if psa_type == 'bi-direction':
            self.reduce_p = self._conv1x1(self.in_channels, self.channels)
            self.attention_p = self._attention(mask_h * mask_w)
            self.psamask_collect = PSAMask('collect', mask_size)
            self.psamask_distribute = PSAMask('distribute', mask_size)
        else:
            self.psamask = PSAMask(psa_type, mask_size)
        branches = 2 if psa_type == 'bi-direction' else 1
        # padding=1 on a 1x1 conv as in 0.28: the map grows by 2 pixels
        # before it is resized back to the input
        self.proj = self._conv1x1(self.channels * branches, self.in_channels,
                                  padding=1)
        self.bottleneck = ConvModule(
            self.in_channels * 2, self.channels, 3, padding=1,
            conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def _conv1x1(self, in_channels: int, out_channels: int,
                 padding: int = 0) -> ConvModule:
        return ConvModule(in_channels, out_channels, 1, padding=padding,
                          conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                          act_cfg=self.act_cfg)

    def _attention(self, mask_cells: int) -> nn.Sequential:
        return nn.Sequential(
            self._conv1x1(self.channels, self.channels),
            nn.Conv2d(self.channels, mask_cells, 1, bias=False))

    def _shrink(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[list, bool]:
        """The features at the attention's size, and the ``align_corners``
        of the resizes (True when the size is odd and rounded up)."""
        if self.shrink_factor == 1:
            return list(feats), self.align_corners
        h, w = feats[0].shape[2:]
        factor = self.shrink_factor
        if h % factor and w % factor:
            size, align_corners = ((h - 1) // factor + 1,
                                   (w - 1) // factor + 1), True
        else:
            size, align_corners = (h // factor, w // factor), False
        return [resize(f, size=size, mode='bilinear',
                       align_corners=align_corners) for f in feats
                ], align_corners

    def _aggregate(self, feat: torch.Tensor,
                   attn: torch.Tensor) -> torch.Tensor:
        n, c, h, w = feat.shape
        if self.psa_softmax:
            attn = F.softmax(attn, dim=1)
        out = torch.bmm(feat.view(n, c, h * w), attn.view(n, h * w, h * w))
        return out.view(n, c, h, w) * (1.0 / self.normalization_factor)

    @staticmethod
    def _transposed(attn: torch.Tensor) -> torch.Tensor:
        n, _, h, w = attn.shape
        return attn.view(n, h * w, h * w).transpose(1, 2).reshape(
            n, h * w, h, w)

    def forward(self, inputs) -> torch.Tensor:
        x = self._transform_inputs(inputs)
        if self.psa_type == 'bi-direction':
            (x_col, x_dis), align_corners = self._shrink(
                [self.reduce(x), self.reduce_p(x)])
            y_col, y_dis = self.attention(x_col), self.attention_p(x_dis)
            if self.compact:
                y_dis = self._transposed(y_dis)
            else:
                y_col = self.psamask_collect(y_col)
                y_dis = self.psamask_distribute(y_dis)
            out = torch.cat([self._aggregate(x_col, y_col),
                             self._aggregate(x_dis, y_dis)], dim=1)
        else:
            (feat, ), align_corners = self._shrink([self.reduce(x)])
            y = self.attention(feat)
            if not self.compact:
                y = self.psamask(y)
            elif self.psa_type == 'collect':
                y = self._transposed(y)
            out = self._aggregate(feat, y)
        out = resize(self.proj(out), size=x.shape[2:], mode='bilinear',
                     align_corners=align_corners)
        return self.cls_seg(self.bottleneck(torch.cat([x, out], dim=1)))

    # CAC: the projection lives in ``cac_proj``, ``proj`` is the head's own
    def add_cac(self, confidence_branch: nn.Module, proj_channel: int = 256,
                weight: float = 1.0) -> None:
        own = self.proj
        super().add_cac(confidence_branch, proj_channel, weight)
        self.cac_proj, self.proj = self.proj, own

    def projection_hidden(self, inputs) -> torch.Tensor:
        x = self.projection_input(inputs)
        return self.cac_proj[0](x.detach() if self.project_detach else x)

    def cac_outputs(self, inputs, *prev: torch.Tensor) -> CACOutputs:
        weight_logit = self.confidence_logits(inputs)
        seg_logit = self(inputs)
        proj = self.cac_proj[1](self.projection_hidden(inputs))
        return CACOutputs(seg_logit, proj, weight_logit)

    def train_losses(self, inputs, prev, gt_semantic_seg):
        if not self.with_cac:
            return super().train_losses(inputs, prev, gt_semantic_seg)
        weight_logit = self.confidence_logits(inputs)
        seg_logit = self(inputs)
        return self.losses(seg_logit, gt_semantic_seg, weight_logit,
                           self.projection_hidden(inputs),
                           project=self.cac_proj[1].pointwise)
