# Tiny PointRend for CPU tests and quick trials on the built-in synthetic
# Cityscapes data: a ResNetV1c-18 with 16 base channels (outputs of 16, 32,
# 64 and 128 channels at strides 4 to 32), the same FPN neck, FPN head and
# point head as the 0.28 model at a small width; 512 training points per
# image (192x192 crops have 2304 cells at stride 4) and 2048 refined points
# per subdivision step; 2 processes x 4 images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/pointrend_r50.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    pretrained=None,
    backbone=dict(depth=18, stem_channels=16, base_channels=16),
    neck=dict(in_channels=[16, 32, 64, 128], out_channels=32),
    decode_head=[
        dict(
            type='FPNHead',
            in_channels=[32, 32, 32, 32],
            in_index=[0, 1, 2, 3],
            feature_strides=[4, 8, 16, 32],
            channels=32,
            dropout_ratio=-1,
            num_classes=19,
            norm_cfg=dict(type='SyncBN', requires_grad=True),
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
        dict(
            type='PointHead',
            in_channels=[32],
            in_index=[0],
            channels=32,
            num_fcs=3,
            coarse_pred_each_layer=True,
            dropout_ratio=-1,
            num_classes=19,
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))
    ],
    train_cfg=dict(num_points=512),
    test_cfg=dict(subdivision_num_points=2048))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
