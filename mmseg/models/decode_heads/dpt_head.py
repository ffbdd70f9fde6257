from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_activation_layer
from mmengine.model import BaseModule

from mmseg.ops import resize
from mmseg.registry import MODELS
from mmseg.utils.errors import InvalidArgumentError

from .decode_head import BaseDecodeHead

READOUT_TYPES = ('ignore', 'add', 'project')


class ReassembleBlocks(BaseModule):
    """Turn four ViT outputs ``[map, cls_token]`` into a pyramid.

    The class token is dropped ('ignore'), added to every token ('add')
    or concatenated to each token and projected back by a linear-GELU
    ('project', ``readout_projects``); then each map gets a 1x1 conv to
    its ``out_channels`` (``projects``) and is resized by
    ``resize_layers``: 4x and 2x transposed convs, identity, a strided 3x3
    conv.

    Args:
        in_channels: Channels of the ViT maps.
        out_channels: Channels of the four outputs.
        readout_type: 'ignore', 'add' or 'project'.
        patch_size: The ViT's patch size.
        init_cfg: Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 768,
                 out_channels: Sequence[int] = [96, 192, 384, 768],
                 readout_type: str = 'ignore',
                 patch_size: int = 16,
                 init_cfg=None):
        super().__init__(init_cfg)
        if readout_type not in READOUT_TYPES:
            raise InvalidArgumentError(
                f'DPTHead: readout_type must be one of {READOUT_TYPES}, got '
                f'{readout_type!r}')
        self.readout_type = readout_type
        self.patch_size = patch_size
        self.projects = nn.ModuleList(
            ConvModule(in_channels, ch, kernel_size=1, act_cfg=None)
            for ch in out_channels)
        self.resize_layers = nn.ModuleList([
            nn.ConvTranspose2d(out_channels[0], out_channels[0],
                               kernel_size=4, stride=4, padding=0),
            nn.ConvTranspose2d(out_channels[1], out_channels[1],
                               kernel_size=2, stride=2, padding=0),
            nn.Identity(),
            nn.Conv2d(out_channels[3], out_channels[3], kernel_size=3,
                      stride=2, padding=1)
        ])
        if readout_type == 'project':
            self.readout_projects = nn.ModuleList(
                nn.Sequential(nn.Linear(2 * in_channels, in_channels),
                              build_activation_layer(dict(type='GELU')))
                for _ in self.projects)

    def forward(self, inputs: List[Sequence[torch.Tensor]]
                ) -> List[torch.Tensor]:
        """Pyramid of ``inputs``, a list of ``[map, cls_token]`` pairs."""
        assert isinstance(inputs, list), 'DPTHead expects a list of inputs'
        outs = []
        for i, pair in enumerate(inputs):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise InvalidArgumentError(
                    'DPTHead needs [map, cls_token] inputs: set '
                    'output_cls_token=True on the VisionTransformer')
            x, cls_token = pair
            shape = x.shape
            if self.readout_type == 'project':
                tokens = x.flatten(2).permute(0, 2, 1)
                readout = cls_token.unsqueeze(1).expand_as(tokens)
                x = self.readout_projects[i](torch.cat((tokens, readout), -1))
                x = x.permute(0, 2, 1).reshape(shape)
            elif self.readout_type == 'add':
                x = (x.flatten(2) + cls_token.unsqueeze(-1)).reshape(shape)
            outs.append(self.resize_layers[i](self.projects[i](x)))
        return outs


class PreActResidualConvUnit(BaseModule):
    """``x + conv2(conv1(x))`` with act-conv-norm convs (pre-activation).

    Args:
        in_channels: Channels of the map.
        act_cfg: Activation config.
        norm_cfg: Norm config.
        stride: Stride of the first conv.
        dilation: Dilation of the first conv.
        init_cfg: Initialisation config.
    """

    def __init__(self, in_channels: int, act_cfg: dict,
                 norm_cfg: Optional[dict], stride: int = 1,
                 dilation: int = 1, init_cfg=None):
        super().__init__(init_cfg)
        self.conv1 = ConvModule(
            in_channels, in_channels, 3, stride=stride, padding=dilation,
            dilation=dilation, norm_cfg=norm_cfg, act_cfg=act_cfg,
            bias=False, order=('act', 'conv', 'norm'))
        self.conv2 = ConvModule(
            in_channels, in_channels, 3, padding=1, norm_cfg=norm_cfg,
            act_cfg=act_cfg, bias=False, order=('act', 'conv', 'norm'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # the first activation may be in place: keep the shortcut intact
        shortcut = x.clone()
        return self.conv2(self.conv1(x)) + shortcut


class FeatureFusionBlock(BaseModule):
    """Merge a coarser fused map with a skip map, upsample 2x, 1x1 conv.

    ``out = project(up(res_conv_unit2(x + res_conv_unit1(skip))))``; the
    first block of a DPT head has no skip (``res_conv_unit1`` is None).

    Args:
        in_channels: Channels of the maps.
        act_cfg: Activation of the residual units.
        norm_cfg: Norm of the residual units.
        expand: Halve the channels in ``project``.
        align_corners: ``align_corners`` of the 2x upsampling.
        init_cfg: Initialisation config.
    """

    def __init__(self, in_channels: int, act_cfg: dict,
                 norm_cfg: Optional[dict], expand: bool = False,
                 align_corners: bool = True, init_cfg=None):
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.expand = expand
        self.align_corners = align_corners
        self.out_channels = in_channels // 2 if expand else in_channels
        self.project = ConvModule(in_channels, self.out_channels,
                                  kernel_size=1, act_cfg=None, bias=True)
        self.res_conv_unit1 = PreActResidualConvUnit(in_channels, act_cfg,
                                                     norm_cfg)
        self.res_conv_unit2 = PreActResidualConvUnit(in_channels, act_cfg,
                                                     norm_cfg)

    def forward(self, x: torch.Tensor,
                skip: Optional[torch.Tensor] = None) -> torch.Tensor:
        if skip is not None:
            if skip.shape != x.shape:
                skip = resize(skip, size=x.shape[2:], mode='bilinear',
                              align_corners=False)
            x = x + self.res_conv_unit1(skip)
        x = self.res_conv_unit2(x)
        x = resize(x, scale_factor=2, mode='bilinear',
                   align_corners=self.align_corners)
        return self.project(x)


@MODELS.register_module()
class DPTHead(BaseDecodeHead):
    """DPT's head (arXiv:2103.13413) on four ViT outputs with class tokens.

    :class:`ReassembleBlocks` makes a 4-level pyramid, a 3x3 conv per
    level maps it to ``channels`` (``convs``), :class:`FeatureFusionBlock`
    s fuse it from the coarsest level up, then a 3x3 conv-norm-act
    (``project``) and the classifier. ``act_cfg`` and ``norm_cfg`` are the
    fusion's and ``project``'s (the head's own stay at their defaults, as
    in 0.28). With CAC the projection branch reads the four ViT maps
    concatenated (class tokens dropped).

    Args:
        embed_dims: Channels of the ViT maps.
        post_process_channels: Channels of the pyramid levels.
        readout_type: Use of the class token: 'ignore', 'add', 'project'.
        patch_size: The ViT's patch size.
        expand_channels: Not supported (0.28's pyramid does not match
            its expanded convs); must be False.
        act_cfg: Activation of the fusion blocks.
        norm_cfg: Norm of the fusion blocks and ``project``.
    """

    def __init__(self,
                 embed_dims: int = 768,
                 post_process_channels: Sequence[int] = [96, 192, 384, 768],
                 readout_type: str = 'ignore',
                 patch_size: int = 16,
                 expand_channels: bool = False,
                 act_cfg: dict = dict(type='ReLU'),
                 norm_cfg: dict = dict(type='BN'),
                 **kwargs):
        super().__init__(**kwargs)
        if expand_channels:
            raise InvalidArgumentError(
                'DPTHead: expand_channels=True is not supported (the '
                'reassembled levels keep post_process_channels); use False')
        if len(post_process_channels) != 4:
            raise InvalidArgumentError(
                'DPTHead: post_process_channels needs 4 entries (one per '
                f'level), got {list(post_process_channels)}')
        self.expand_channels = expand_channels
        self.reassemble_blocks = ReassembleBlocks(
            embed_dims, post_process_channels, readout_type, patch_size)
        self.post_process_channels = list(post_process_channels)
        self.convs = nn.ModuleList(
            ConvModule(ch, self.channels, kernel_size=3, padding=1,
                       act_cfg=None, bias=False)
            for ch in self.post_process_channels)
        self.fusion_blocks = nn.ModuleList(
            FeatureFusionBlock(self.channels, act_cfg, norm_cfg)
            for _ in self.convs)
        self.fusion_blocks[0].res_conv_unit1 = None
        self.project = ConvModule(self.channels, self.channels,
                                  kernel_size=3, padding=1,
                                  norm_cfg=norm_cfg)
        self.num_fusion_blocks = len(self.fusion_blocks)
        self.num_reassemble_blocks = len(self.reassemble_blocks.resize_layers)
        self.num_post_process_channels = len(self.post_process_channels)

    def projection_input(self, inputs) -> torch.Tensor:
        """The selected ViT maps (without class tokens), concatenated."""
        maps = [pair[0] for pair in self._transform_inputs(inputs)]
        size = maps[0].shape[2:]
        return torch.cat([
            resize(x, size=size, mode='bilinear',
                   align_corners=self.align_corners) for x in maps
        ], dim=1)

    def confidence_logits(self, inputs, *prev: torch.Tensor) -> torch.Tensor:
        """Logits of the confidence branch on detached maps and tokens."""
        detached = [[t.detach() for t in pair] for pair in inputs]
        return self.weight_branch(detached)

    def forward(self, inputs) -> torch.Tensor:
        assert len(inputs) == self.num_reassemble_blocks, \
            f'DPTHead expects {self.num_reassemble_blocks} inputs'
        feats = self.reassemble_blocks(self._transform_inputs(inputs))
        feats = [conv(x) for conv, x in zip(self.convs, feats)]
        out = self.fusion_blocks[0](feats[-1])
        for i in range(1, self.num_fusion_blocks):
            out = self.fusion_blocks[i](out, feats[-(i + 1)])
        return self.cls_seg(self.project(out))
