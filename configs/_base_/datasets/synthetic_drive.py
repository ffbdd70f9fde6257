# The built-in synthetic retinal vessel data in the DRIVE layout (20
# training and 20 validation fundus images of 146x141, a quarter of
# DRIVE's size), made by `python tools/generate_synthetic_data.py drive
# data/synthetic_drive`. The DRIVE pipelines at a quarter of the scale, with
# DRIVE's 64x64 crops.
_base_ = './drive.py'
data_root = 'data/synthetic_drive/'
img_norm_cfg = dict(
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
img_scale = (146, 141)
crop_size = (64, 64)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', img_scale=img_scale, ratio_range=(0.5, 2.0)),
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
        img_scale=img_scale,
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
    samples_per_gpu=4,
    workers_per_gpu=1,
    train=dict(dataset=dict(data_root=data_root, pipeline=train_pipeline)),
    val=dict(data_root=data_root, pipeline=test_pipeline),
    test=dict(data_root=data_root, pipeline=test_pipeline))
