"""Tiny model configs, gradient checks, CAC loss inputs and figure checks
shared by the tests."""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NORM = dict(type='BN', requires_grad=True)
HR_CHANNELS = [8, 16, 32, 64]
MIT_CHANNELS = [8, 16, 40, 64]


def tiny_hrnet(norm='BN', **kwargs) -> dict:
    """A 4-stage HRNet small enough for CPU tests (outputs 8/16/32/64 ch)."""
    extra = dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                    num_blocks=(1, ), num_channels=(8, )),
        stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                    num_blocks=(1, 1), num_channels=(8, 16)),
        stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                    num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
        stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                    num_blocks=(1, 1, 1, 1), num_channels=(8, 16, 32, 64)))
    return dict(type='HRNet', extra=extra,
                norm_cfg=dict(type=norm, requires_grad=True), **kwargs)


def tiny_fcn(num_classes=19, head_type='FCNHead', norm='BN', **head_kwargs):
    """An EncoderDecoder config: tiny HRNet + FCN-style head."""
    head = dict(type=head_type, in_channels=[8, 16, 32, 64],
                in_index=(0, 1, 2, 3), channels=24,
                input_transform='resize_concat', kernel_size=1, num_convs=1,
                concat_input=False, dropout_ratio=-1,
                num_classes=num_classes,
                norm_cfg=dict(type=norm, requires_grad=True),
                align_corners=False)
    head.update(head_kwargs)
    return dict(type='EncoderDecoder', backbone=tiny_hrnet(norm),
                decode_head=head, train_cfg=dict(),
                test_cfg=dict(mode='whole'))


def metas(n, h, w, **extra):
    """Meta dicts of ``n`` unpadded, unflipped (h, w) images."""
    meta = dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                pad_shape=(h, w, 3), flip=False,
                scale_factor=[1.0, 1.0, 1.0, 1.0], **extra)
    return [copy.deepcopy(meta) for _ in range(n)]


def tiny_mit(**kwargs) -> dict:
    """MiT-B0 layout with 8 channels per head and one block per stage."""
    cfg = dict(type='MixVisionTransformer', embed_dims=8,
               num_layers=[1, 1, 1, 1], num_heads=[1, 2, 5, 8])
    cfg.update(kwargs)
    return cfg


def tiny_segformer(num_classes=4) -> dict:
    head = dict(type='SegformerHead', in_channels=MIT_CHANNELS,
                in_index=[0, 1, 2, 3], channels=16, num_classes=num_classes,
                norm_cfg=NORM, align_corners=False)
    return dict(type='EncoderDecoder', backbone=tiny_mit(),
                decode_head=head, train_cfg=dict(),
                test_cfg=dict(mode='whole'))


def tiny_ocrnet(num_classes=4) -> dict:
    """CascadeEncoderDecoder config: tiny HRNet, FCN stage, OCR stage."""
    common = dict(in_channels=HR_CHANNELS, in_index=(0, 1, 2, 3),
                  input_transform='resize_concat', dropout_ratio=-1,
                  num_classes=num_classes, norm_cfg=NORM,
                  align_corners=False)
    fcn = dict(type='FCNHead', channels=sum(HR_CHANNELS), kernel_size=1,
               num_convs=1, concat_input=False,
               loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4),
               **common)
    ocr = dict(type='OCRHead', channels=16, ocr_channels=8, **common)
    return dict(type='CascadeEncoderDecoder', num_stages=2,
                backbone=tiny_hrnet(), decode_head=[fcn, ocr],
                train_cfg=dict(), test_cfg=dict(mode='whole'))


def read_show_figure(figure: np.ndarray, gt: np.ndarray, palette) -> dict:
    """Take apart a ``--show-dir`` figure drawn at opacity 1.

    Finds the rows of the "ground truth" panel (the second one, equal to
    ``palette[gt]`` where ``gt`` has a class) and returns ``titles`` (the
    strip above the panels), ``panels`` (prediction, ground truth) and
    ``legend_colors`` (the RGB colours below the panels other than white
    and black).
    """
    height, width = gt.shape
    palette = np.asarray(palette)
    known = gt < len(palette)
    for top in range(figure.shape[0] - height + 1):
        right = figure[top:top + height, width:2 * width]
        if np.array_equal(right[known], palette[gt[known]]):
            break
    else:
        raise AssertionError('no ground-truth panel in the figure')
    below = figure[top + height:].reshape(-1, 3)
    colors = {tuple(c) for c in np.unique(below, axis=0).tolist()}
    return dict(titles=figure[:top],
                panels=(figure[top:top + height, :width],
                        figure[top:top + height, width:2 * width]),
                legend_colors=colors - {(255, 255, 255), (0, 0, 0)})


def grads(loss: torch.Tensor, module: nn.Module) -> list:
    """Gradients of ``loss`` w.r.t. ``module``'s parameters (None: unused)."""
    return list(torch.autograd.grad(loss, list(module.parameters()),
                                    retain_graph=True, allow_unused=True))


def reaches(loss: torch.Tensor, module: nn.Module) -> bool:
    """Some parameter of ``module`` gets a non-zero gradient."""
    return any(g is not None and bool(g.abs().sum() > 0)
               for g in grads(loss, module))


def untouched(loss: torch.Tensor, module: nn.Module) -> bool:
    """No parameter of ``module`` is on ``loss``'s graph."""
    return all(g is None for g in grads(loss, module))


def random_case(b, c, h, w, scale, num_present, d=8, seed=0):
    """CAC loss inputs: logits agreeing with the labels about half of the
    time, labels at ``scale`` times the size with ~10% ignored."""
    g = torch.Generator().manual_seed(seed)
    present = torch.randperm(c, generator=g)[:num_present]
    label = present[torch.randint(0, num_present, (b, h * scale,
                                                   w * scale), generator=g)]
    label[torch.rand(label.shape, generator=g) < 0.1] = 255
    predict = torch.randn(b, c, h, w, generator=g)
    # make the prediction agree with the label about half of the time
    small = F.interpolate(label[:, None].float(), size=(h, w),
                          mode='nearest')[:, 0].long()
    agree = (torch.rand(b, h, w, generator=g) < 0.5) & (small < c)
    onehot = F.one_hot(small.clamp(max=c - 1), c).permute(0, 3, 1, 2)
    predict = predict + 4 * onehot * agree[:, None]
    feature_map = torch.randn(b, d, h, w, generator=g)
    weight_logit = torch.randn(b, c, h, w, generator=g)
    return predict, feature_map, label, weight_logit
