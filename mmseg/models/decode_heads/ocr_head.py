import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import resize
from mmseg.registry import MODELS

from ..utils import SelfAttentionBlock
from .cascade_decode_head import BaseCascadeDecodeHead


class SpatialGatherModule(nn.Module):
    """Gather one context vector per class from the pixel features.

    The context of class ``k`` averages the features over all positions,
    weighted by the softmax (over positions) of the class's logits.

    Args:
        scale: Multiplies the logits before the softmax.
    """

    def __init__(self, scale: float):
        super().__init__()
        self.scale = scale

    def forward(self, feats: torch.Tensor,
                probs: torch.Tensor) -> torch.Tensor:
        """Class contexts (N, C, K, 1).

        Args:
            feats: Pixel features (N, C, H, W).
            probs: Class logits (N, K, H, W).
        """
        weights = (self.scale * probs.flatten(2)).softmax(dim=2)
        context = torch.matmul(weights, feats.flatten(2).transpose(1, 2))
        return context.transpose(1, 2).unsqueeze(3).contiguous()


class ObjectAttentionBlock(SelfAttentionBlock):
    """Attention from the pixels to the class contexts.

    The attended context is fused with the pixel features by a 1x1
    ``bottleneck``.

    Args:
        in_channels: Channels of the pixel features and class contexts.
        channels: Channels of the key/query projections.
        scale: Max-pool the queries by this factor when > 1 (the context
            is upsampled back before the fusion).
        conv_cfg: Conv layer config.
        norm_cfg: Norm layer config.
        act_cfg: Activation config.
    """

    def __init__(self, in_channels: int, channels: int, scale: int,
                 conv_cfg, norm_cfg, act_cfg):
        super().__init__(
            key_in_channels=in_channels,
            query_in_channels=in_channels,
            channels=channels,
            out_channels=in_channels,
            share_key_query=False,
            query_downsample=nn.MaxPool2d(scale) if scale > 1 else None,
            key_downsample=None,
            key_query_num_convs=2,
            value_out_num_convs=1,
            key_query_norm=True,
            value_out_norm=True,
            matmul_norm=True,
            with_out=True,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)
        self.bottleneck = ConvModule(in_channels * 2, in_channels, 1,
                                     conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                                     act_cfg=act_cfg)

    def forward(self, query_feats: torch.Tensor,
                key_feats: torch.Tensor) -> torch.Tensor:
        context = super().forward(query_feats, key_feats)
        if self.query_downsample is not None:
            context = resize(context, size=query_feats.shape[2:],
                             mode='bilinear', align_corners=False)
        return self.bottleneck(torch.cat([context, query_feats], dim=1))


@MODELS.register_module()
class OCRHead(BaseCascadeDecodeHead):
    """Object-contextual representations (OCRNet, arXiv:1909.11065).

    The previous stage's logits gather one context per class; each pixel
    attends to these contexts and is classified from the fused result.

    Args:
        ocr_channels: Channels of the attention's key/query projections.
        scale: Logit scale of the gathering (and query pooling factor).
    """

    def __init__(self, ocr_channels: int, scale: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.ocr_channels = ocr_channels
        self.scale = scale
        self.object_context_block = ObjectAttentionBlock(
            self.channels, ocr_channels, scale, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        self.spatial_gather_module = SpatialGatherModule(scale)
        self.bottleneck = ConvModule(self.in_channels, self.channels, 3,
                                     padding=1, conv_cfg=self.conv_cfg,
                                     norm_cfg=self.norm_cfg,
                                     act_cfg=self.act_cfg)

    def forward(self, inputs, prev_output: torch.Tensor) -> torch.Tensor:
        return self.ocr_logits(self._transform_inputs(inputs), prev_output)

    def ocr_logits(self, x: torch.Tensor,
                   prev_output: torch.Tensor) -> torch.Tensor:
        """Logits from the merged inputs ``x`` and the previous logits."""
        feats = self.bottleneck(x)
        context = self.spatial_gather_module(feats, prev_output)
        return self.cls_seg(self.object_context_block(feats, context))
