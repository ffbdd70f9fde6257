import torch
import torch.nn as nn
from mmcv.cnn import NonLocal2d

from mmseg.registry import MODELS

from .fcn_head import FCNHead


class DisentangledNonLocal2d(NonLocal2d):
    """Disentangled non-local block: a whitened pairwise term (keys and
    queries centred over the positions, softmax at a ``temperature``) plus
    a unary term (one attention map over the positions, ``conv_mask``).

    Args:
        *args: ``NonLocal2d`` arguments.
        temperature: Divides the pairwise similarities before the softmax.
        **kwargs: ``NonLocal2d`` arguments.
    """

    def __init__(self, *args, temperature: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.temperature = temperature
        self.conv_mask = nn.Conv2d(self.in_channels, 1, kernel_size=1)

    def embedded_gaussian(self, theta_x: torch.Tensor,
                          phi_x: torch.Tensor) -> torch.Tensor:
        pairwise = torch.matmul(theta_x, phi_x)
        if self.use_scale:
            pairwise = pairwise / theta_x.shape[-1]**0.5
        return (pairwise / self.temperature).softmax(dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.size(0)
        g_x = self.g(x).view(n, self.inter_channels, -1).transpose(1, 2)
        if self.mode == 'gaussian':
            theta_x = x.view(n, self.in_channels, -1).transpose(1, 2)
            phi_x = self.phi(x).view(n, self.in_channels, -1) \
                if self.sub_sample else x.view(n, self.in_channels, -1)
        elif self.mode == 'concatenation':
            theta_x = self.theta(x).view(n, self.inter_channels, -1, 1)
            phi_x = self.phi(x).view(n, self.inter_channels, 1, -1)
        else:
            theta_x = self.theta(x).view(n, self.inter_channels,
                                         -1).transpose(1, 2)
            phi_x = self.phi(x).view(n, self.inter_channels, -1)
        # whitening: centre queries and keys over the positions
        theta_x = theta_x - theta_x.mean(dim=-2, keepdim=True)
        phi_x = phi_x - phi_x.mean(dim=-1, keepdim=True)
        pairwise = getattr(self, self.mode)(theta_x, phi_x)
        y = torch.matmul(pairwise, g_x).transpose(1, 2).reshape(
            n, self.inter_channels, *x.shape[2:])

        unary_mask = self.conv_mask(x).view(n, 1, -1).softmax(dim=-1)
        unary = torch.matmul(unary_mask, g_x).transpose(1, 2).reshape(
            n, self.inter_channels, 1, 1)
        return x + self.conv_out(y + unary)


@MODELS.register_module()
class DNLHead(FCNHead):
    """Disentangled non-local head (DNLNet, arXiv:2006.06668): an FCN head
    with two convs and a disentangled non-local block between them.

    Args:
        reduction: Channel reduction of the block's projections.
        use_scale: Scale the similarities by ``inter_channels ** -0.5``.
        mode: Pairwise function, 'embedded_gaussian' or 'dot_product'.
        temperature: Temperature of the pairwise softmax.
    """

    def __init__(self, reduction: int = 2, use_scale: bool = True,
                 mode: str = 'embedded_gaussian', temperature: float = 0.05,
                 **kwargs):
        super().__init__(num_convs=2, **kwargs)
        self.reduction = reduction
        self.use_scale = use_scale
        self.mode = mode
        self.temperature = temperature
        self.dnl_block = DisentangledNonLocal2d(
            in_channels=self.channels, reduction=reduction,
            use_scale=use_scale, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, mode=mode, temperature=temperature)

    def _forward_feature(self, inputs):
        """Features before ``cls_seg`` and the transformed input."""
        x = self._transform_inputs(inputs)
        feats = self.convs[1](self.dnl_block(self.convs[0](x)))
        if self.concat_input:
            feats = self.conv_cat(torch.cat([x, feats], dim=1))
        return feats, x
