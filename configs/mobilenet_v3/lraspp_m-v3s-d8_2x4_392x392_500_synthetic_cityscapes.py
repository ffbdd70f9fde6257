# LR-ASPP on MobileNetV3-small (the 0.28 model at a small head width) for
# CPU tests and quick trials on the built-in synthetic Cityscapes data. The
# head's image pooling averages 49x49 windows of the stride-8 features, so
# crops are 392x392 and the images are resized to 1024x512 (twice the
# synthetic scale); 2 processes x 4 images, 500 iterations.
_base_ = [
    '../_base_/models/lraspp_m-v3-d8.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(arch='small', out_indices=(0, 1, 12)),
    decode_head=dict(in_channels=(16, 16, 576), channels=32))
img_norm_cfg = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
crop_size = (392, 392)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', img_scale=(1024, 512), ratio_range=(0.5, 2.0)),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='Pad', size=crop_size, pad_val=0, seg_pad_val=255),
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_semantic_seg']),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='MultiScaleFlipAug',
        img_scale=(1024, 512),
        flip=False,
        transforms=[
            dict(type='Resize', keep_ratio=True),
            dict(type='RandomFlip'),
            dict(type='Normalize', **img_norm_cfg),
            dict(type='ImageToTensor', keys=['img']),
            dict(type='Collect', keys=['img']),
        ])
]
data = dict(
    train=dict(pipeline=train_pipeline),
    val=dict(pipeline=test_pipeline),
    test=dict(pipeline=test_pipeline))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
