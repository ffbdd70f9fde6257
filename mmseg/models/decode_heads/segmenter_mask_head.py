import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import ModuleList
from mmengine.model.weight_init import constant_init, trunc_normal_init

from mmseg.registry import MODELS

from ..backbones.vit import TransformerEncoderLayer
from .decode_head import BaseDecodeHead


@MODELS.register_module()
class SegmenterMaskTransformerHead(BaseDecodeHead):
    """Segmenter's mask transformer (arXiv:2105.05633).

    The patch tokens (``dec_proj`` to ``embed_dims``) and ``num_classes``
    learned class embeddings (``cls_emb``) go through ``num_layers`` ViT
    encoder layers and ``decoder_norm``; the logits are the products of
    the L2-normalised patch (``patch_proj``) and class
    (``classes_proj``) features, normalised over the classes
    (``mask_norm``). The head has no ``conv_seg``. With CAC the projection
    branch reads the head's input map.

    Args:
        in_channels: Channels of the input map.
        num_layers: Transformer layers.
        num_heads: Attention heads.
        embed_dims: Channels of the transformer.
        mlp_ratio: FFN hidden channels over ``embed_dims``.
        drop_path_rate: Largest stochastic depth (linear over the layers).
        drop_rate: Dropout in the layers.
        attn_drop_rate: Dropout on the attention weights.
        num_fcs: Linear layers of each FFN.
        qkv_bias: Biases in the attention's input projections.
        act_cfg: Activation of the FFNs.
        norm_cfg: Norm of the layers, ``decoder_norm`` and ``mask_norm``.
        init_std: Std of the truncated-normal initialisation.
    """

    def __init__(self,
                 in_channels: int,
                 num_layers: int,
                 num_heads: int,
                 embed_dims: int,
                 mlp_ratio: int = 4,
                 drop_path_rate: float = 0.1,
                 drop_rate: float = 0.0,
                 attn_drop_rate: float = 0.0,
                 num_fcs: int = 2,
                 qkv_bias: bool = True,
                 act_cfg: dict = dict(type='GELU'),
                 norm_cfg: dict = dict(type='LN'),
                 init_std: float = 0.02,
                 **kwargs):
        super().__init__(in_channels=in_channels, **kwargs)
        drop_path_rates = torch.linspace(0, drop_path_rate, num_layers,
                                         device='cpu').tolist()
        self.layers = ModuleList(
            TransformerEncoderLayer(
                embed_dims=embed_dims, num_heads=num_heads,
                feedforward_channels=mlp_ratio * embed_dims,
                attn_drop_rate=attn_drop_rate, drop_rate=drop_rate,
                drop_path_rate=drop_path_rates[i], num_fcs=num_fcs,
                qkv_bias=qkv_bias, act_cfg=act_cfg, norm_cfg=norm_cfg,
                batch_first=True)
            for i in range(num_layers))
        self.dec_proj = nn.Linear(in_channels, embed_dims)
        self.cls_emb = nn.Parameter(
            torch.randn(1, self.num_classes, embed_dims))
        self.patch_proj = nn.Linear(embed_dims, embed_dims, bias=False)
        self.classes_proj = nn.Linear(embed_dims, embed_dims, bias=False)
        self.decoder_norm = build_norm_layer(norm_cfg, embed_dims,
                                             postfix=1)[1]
        self.mask_norm = build_norm_layer(norm_cfg, self.num_classes,
                                          postfix=2)[1]
        self.init_std = init_std
        del self.conv_seg

    def init_weights(self) -> None:
        """Truncated-normal class embeddings and linears (bias 0), unit
        LayerNorms."""
        nn.init.trunc_normal_(self.cls_emb, std=self.init_std)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_init(m, std=self.init_std, bias=0)
            elif isinstance(m, nn.LayerNorm):
                constant_init(m, val=1.0, bias=0.0)

    def mask_features(self, inputs) -> tuple:
        """L2-normalised patch features (N, h*w, embed_dims), class
        features (N, num_classes, embed_dims) and the grid (h, w)."""
        x = self._transform_inputs(inputs)
        b, c, h, w = x.shape
        x = self.dec_proj(x.permute(0, 2, 3, 1).reshape(b, h * w, c))
        x = torch.cat((x, self.cls_emb.expand(b, -1, -1)), 1)
        for layer in self.layers:
            x = layer(x)
        x = self.decoder_norm(x)
        patches = self.patch_proj(x[:, :-self.num_classes])
        classes = self.classes_proj(x[:, -self.num_classes:])
        return (F.normalize(patches, dim=2, p=2),
                F.normalize(classes, dim=2, p=2), (h, w))

    def decoder_features(self, inputs, *prev: torch.Tensor) -> torch.Tensor:
        """The normalised patch features as a map (N, embed_dims, h, w):
        what the class features multiply (there is no ``conv_seg``)."""
        patches, _, (h, w) = self.mask_features(inputs)
        return patches.transpose(1, 2).reshape(patches.shape[0], -1, h, w)

    def forward(self, inputs) -> torch.Tensor:
        patches, classes, (h, w) = self.mask_features(inputs)
        masks = self.mask_norm(patches @ classes.transpose(1, 2))
        return masks.permute(0, 2, 1).reshape(masks.shape[0], -1, h, w)
