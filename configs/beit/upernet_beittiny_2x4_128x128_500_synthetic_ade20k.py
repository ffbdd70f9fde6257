# Tiny UPerNet-BEiT for CPU tests and quick trials on the built-in
# synthetic ADE20K data (150 classes): a BEiT of 4 blocks of 32 channels
# on 128x128 inputs (8x8 patches of 16), Feature2Pyramid, UPerHead and the
# auxiliary FCN head at a small width; 2 processes x 4 images of 128x128,
# 500 iterations. AdamW with layer-wise learning-rate decay and a poly
# schedule with linear warm-up as the 0.28 BEiT configs use, with a higher
# lr as nothing is pretrained; sliding-window testing on 128x128 crops (the
# size the relative position tables are made for).
_base_ = [
    '../_base_/models/upernet_beit.py',
    '../_base_/datasets/synthetic_ade20k.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(
        img_size=(128, 128),
        embed_dims=32,
        num_layers=4,
        num_heads=2,
        out_indices=(0, 1, 2, 3)),
    neck=dict(embed_dim=32),
    decode_head=dict(
        in_channels=[32, 32, 32, 32], channels=32, num_classes=150),
    auxiliary_head=dict(in_channels=32, channels=16, num_classes=150),
    test_cfg=dict(mode='slide', crop_size=(128, 128), stride=(85, 85)))
optimizer = dict(
    _delete_=True,
    type='AdamW',
    lr=0.0006,
    betas=(0.9, 0.999),
    weight_decay=0.05,
    constructor='LayerDecayOptimizerConstructor',
    paramwise_cfg=dict(num_layers=4, layer_decay_rate=0.9))
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
