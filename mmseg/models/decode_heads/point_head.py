from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from mmseg.ops import point_sample, resize
from mmseg.registry import MODELS

from ..losses import accuracy
from .cascade_decode_head import BaseCascadeDecodeHead


def calculate_uncertainty(seg_logits: torch.Tensor) -> torch.Tensor:
    """Uncertainty of each location: second minus first highest logit.

    Args:
        seg_logits: (N, C, ...) logits.

    Returns:
        (N, 1, ...) scores, highest where the top two logits are closest.
    """
    top2 = torch.topk(seg_logits, k=2, dim=1)[0]
    return (top2[:, 1] - top2[:, 0]).unsqueeze(1)


def _cfg_value(cfg, key: str, where: str):
    if cfg is None or key not in cfg:
        raise KeyError(f'PointHead needs {key} in the model {where} (see '
                       'configs/_base_/models/pointrend_r50.py)')
    return cfg[key]


def get_uncertain_point_coords_with_randomness(
        seg_logits: torch.Tensor, uncertainty_func: Callable,
        num_points: int, oversample_ratio: float,
        importance_sample_ratio: float) -> torch.Tensor:
    """PointRend's training points: the most uncertain of
    ``num_points * oversample_ratio`` random points, plus random ones.

    Args:
        seg_logits: (N, C, H, W) logits of the coarse prediction.
        uncertainty_func: Maps sampled logits (N, C, P) to (N, 1, P).
        num_points: Points per image.
        oversample_ratio: Candidates per point (>= 1).
        importance_sample_ratio: Share of the points chosen by
            uncertainty (in [0, 1]); the rest are uniformly random.

    Returns:
        (N, num_points, 2) coordinates in ``[0, 1]``.
    """
    if oversample_ratio < 1 or not 0 <= importance_sample_ratio <= 1:
        raise ValueError('PointHead train_cfg: oversample_ratio must be >= 1 '
                         'and importance_sample_ratio in [0, 1], got '
                         f'{oversample_ratio}, {importance_sample_ratio}')
    batch_size, device = seg_logits.shape[0], seg_logits.device
    num_sampled = int(num_points * oversample_ratio)
    coords = torch.rand(batch_size, num_sampled, 2, device=device)
    # uncertainty of the sampled logits, not sampled uncertainty: between
    # two confident coarse cells of different classes the point is unsure
    uncertainty = uncertainty_func(point_sample(seg_logits, coords))
    num_uncertain = int(importance_sample_ratio * num_points)
    idx = torch.topk(uncertainty[:, 0], k=num_uncertain, dim=1)[1]
    coords = torch.gather(coords, 1, idx.unsqueeze(2).expand(-1, -1, 2))
    num_random = num_points - num_uncertain
    if num_random > 0:
        coords = torch.cat(
            [coords, torch.rand(batch_size, num_random, 2, device=device)],
            dim=1)
    return coords


def get_uncertain_point_coords_on_grid(
        uncertainty_map: torch.Tensor,
        num_points: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """The ``num_points`` most uncertain cells of a map.

    Args:
        uncertainty_map: (N, 1, H, W) scores.
        num_points: Cells to pick (at most H * W).

    Returns:
        ``(indices, coords)``: (N, P) flat indices into the H x W grid and
        (N, P, 2) coordinates of the cell centres in ``[0, 1]``.
    """
    batch_size, _, h, w = uncertainty_map.shape
    num_points = min(h * w, num_points)
    indices = uncertainty_map.view(batch_size, h * w).topk(num_points,
                                                           dim=1)[1]
    h_step, w_step = 1.0 / h, 1.0 / w
    coords = torch.stack([w_step / 2.0 + (indices % w).float() * w_step,
                          h_step / 2.0 + (indices // w).float() * h_step],
                         dim=2)
    return indices, coords


@MODELS.register_module()
class PointHead(BaseCascadeDecodeHead):
    """PointRend's point head (arXiv:1912.08193).

    Classifies points with a shared MLP (1x1 Conv1d) on the fine-grained
    features of the input levels and the previous stage's coarse logits at
    those points. Training uses uncertain and random points; inference
    refines the coarse logits by ``subdivision_steps`` upsamplings, each
    re-predicting the ``subdivision_num_points`` most uncertain cells.

    Args:
        num_fcs: Number of MLP layers.
        coarse_pred_each_layer: Concatenate the coarse logits to the input
            of every layer.
        conv_cfg: Conv layer config of the MLP.
        norm_cfg: Norm layer config of the MLP.
        act_cfg: Activation config of the MLP.
    """

    def __init__(self,
                 num_fcs: int = 3,
                 coarse_pred_each_layer: bool = True,
                 conv_cfg=dict(type='Conv1d'),
                 norm_cfg=None,
                 act_cfg=dict(type='ReLU', inplace=False),
                 **kwargs):
        super().__init__(
            input_transform='multiple_select', conv_cfg=conv_cfg,
            norm_cfg=norm_cfg, act_cfg=act_cfg,
            init_cfg=dict(type='Normal', std=0.01,
                          override=dict(name='fc_seg')),
            **kwargs)
        self.num_fcs = num_fcs
        self.coarse_pred_each_layer = coarse_pred_each_layer
        coarse = self.num_classes if coarse_pred_each_layer else 0
        in_channels = sum(self.in_channels) + self.num_classes
        self.fcs = nn.ModuleList()
        for _ in range(num_fcs):
            self.fcs.append(ConvModule(
                in_channels, self.channels, kernel_size=1, conv_cfg=conv_cfg,
                norm_cfg=norm_cfg, act_cfg=act_cfg))
            in_channels = self.channels + coarse
        self.fc_seg = nn.Conv1d(in_channels, self.num_classes, kernel_size=1)
        if self.dropout_ratio > 0:
            self.dropout = nn.Dropout(self.dropout_ratio)
        del self.conv_seg

    def cls_seg(self, feat: torch.Tensor) -> torch.Tensor:
        """Classify each point."""
        if self.dropout is not None:
            feat = self.dropout(feat)
        return self.fc_seg(feat)

    def forward(self, fine_grained_point_feats: torch.Tensor,
                coarse_point_feats: torch.Tensor) -> torch.Tensor:
        """(N, num_classes, P) logits of the points' features."""
        x = torch.cat([fine_grained_point_feats, coarse_point_feats], dim=1)
        for fc in self.fcs:
            x = fc(x)
            if self.coarse_pred_each_layer:
                x = torch.cat([x, coarse_point_feats], dim=1)
        return self.cls_seg(x)

    def _point_logits(self, x: List[torch.Tensor], prev_output: torch.Tensor,
                      points: torch.Tensor) -> torch.Tensor:
        fine = torch.cat([
            point_sample(f, points, align_corners=self.align_corners)
            for f in x
        ], dim=1)
        coarse = point_sample(prev_output, points,
                              align_corners=self.align_corners)
        return self(fine, coarse)

    def forward_train(self, inputs, prev_output: torch.Tensor,
                      img_metas: List[dict], gt_semantic_seg: torch.Tensor,
                      train_cfg) -> Dict[str, torch.Tensor]:
        """Losses at points sampled from ``train_cfg`` (``num_points``,
        ``oversample_ratio``, ``importance_sample_ratio``)."""
        x = self._transform_inputs(inputs)
        with torch.no_grad():
            points = get_uncertain_point_coords_with_randomness(
                prev_output, calculate_uncertainty,
                _cfg_value(train_cfg, 'num_points', 'train_cfg'),
                _cfg_value(train_cfg, 'oversample_ratio', 'train_cfg'),
                _cfg_value(train_cfg, 'importance_sample_ratio',
                           'train_cfg'))
        point_logits = self._point_logits(x, prev_output, points)
        point_label = point_sample(gt_semantic_seg.float(), points,
                                   mode='nearest',
                                   align_corners=self.align_corners)
        return self.losses(point_logits, point_label.squeeze(1).long())

    def forward_test(self, inputs, prev_output: torch.Tensor,
                     img_metas: List[dict], test_cfg) -> torch.Tensor:
        """The coarse logits refined by ``test_cfg.subdivision_steps``
        upsamplings (``scale_factor``), each re-predicting the
        ``subdivision_num_points`` most uncertain cells."""
        x = self._transform_inputs(inputs)
        steps = _cfg_value(test_cfg, 'subdivision_steps', 'test_cfg')
        scale = _cfg_value(test_cfg, 'scale_factor', 'test_cfg')
        num_points = _cfg_value(test_cfg, 'subdivision_num_points',
                                'test_cfg')
        refined = prev_output.clone()
        for _ in range(steps):
            refined = resize(refined, scale_factor=scale, mode='bilinear',
                             align_corners=self.align_corners)
            n, c, h, w = refined.shape
            indices, points = get_uncertain_point_coords_on_grid(
                calculate_uncertainty(refined), num_points)
            point_logits = self._point_logits(x, prev_output, points)
            refined = refined.reshape(n, c, h * w).scatter(
                2, indices.unsqueeze(1).expand(-1, c, -1), point_logits)
            refined = refined.view(n, c, h, w)
        return refined

    def losses(self, point_logits: torch.Tensor,
               point_label: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``point<loss_name>`` per loss and ``acc_point``, on points."""
        loss = dict()
        for loss_decode in self.pixel_losses():
            loss['point' + loss_decode.loss_name] = loss_decode(
                point_logits, point_label, ignore_index=self.ignore_index)
        loss['acc_point'] = accuracy(point_logits, point_label,
                                     ignore_index=self.ignore_index)
        return loss

    def add_cac(self, *args, **kwargs) -> None:
        raise ValueError(
            'PointHead predicts logits at sampled points, not a pixel map, so '
            "CAC's branches cannot attach: put cac on the first stage "
            '(FPNHead) of the cascade')

    def decoder_features(self, inputs, *prev: torch.Tensor) -> torch.Tensor:
        raise ValueError('PointHead classifies sampled points: it has no '
                         'feature map for decoder_features')
