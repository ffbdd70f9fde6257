# Tiny UPerNet-ConvNeXt for CPU tests and quick trials on the built-in
# synthetic ADE20K data (150 classes): a ConvNeXt with stages of 16 to 128
# channels (1, 1, 2, 1 blocks), UPerHead and the auxiliary FCN head at a
# small width; 2 processes x 4 images of 128x128, 500 iterations. AdamW with
# stage-wise learning-rate decay and a poly schedule with linear warm-up as
# the 0.28 ConvNeXt configs use, with a higher lr as nothing is pretrained.
_base_ = [
    '../_base_/models/upernet_convnext.py',
    '../_base_/datasets/synthetic_ade20k.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmcls.ConvNeXt',
        arch=dict(depths=[1, 1, 2, 1], channels=[16, 32, 64, 128]),
        out_indices=[0, 1, 2, 3],
        drop_path_rate=0.1,
        layer_scale_init_value=1.0,
        gap_before_final_norm=False,
        init_cfg=[
            dict(type='TruncNormal', layer=['Conv2d', 'Linear'], std=.02,
                 bias=0.),
            dict(type='Constant', layer=['LayerNorm'], val=1., bias=0.)
        ]),
    decode_head=dict(
        in_channels=[16, 32, 64, 128], channels=32, num_classes=150),
    auxiliary_head=dict(in_channels=64, channels=16, num_classes=150))
optimizer = dict(
    constructor='LearningRateDecayOptimizerConstructor',
    _delete_=True,
    type='AdamW',
    lr=0.0006,
    betas=(0.9, 0.999),
    weight_decay=0.05,
    paramwise_cfg=dict(decay_rate=0.9, decay_type='stage_wise', num_layers=6))
lr_config = dict(
    _delete_=True,
    policy='poly',
    warmup='linear',
    warmup_iters=50,
    warmup_ratio=1e-6,
    power=1.0,
    min_lr=0.0,
    by_epoch=False)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
