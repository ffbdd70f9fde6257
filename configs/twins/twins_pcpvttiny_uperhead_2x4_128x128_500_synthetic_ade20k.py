# Tiny Twins-PCPVT UPerNet for CPU tests and quick trials on the built-in
# synthetic ADE20K data (150 classes): a PCPVT with stages of 16 to 128
# channels and one block per stage, UPerHead and the auxiliary FCN head at a
# small width; 2 processes x 4 images of 128x128, 500 iterations. AdamW and a
# poly schedule with linear warm-up as the 0.28 Twins UPerNet configs use,
# with a higher lr as nothing is pretrained.
_base_ = [
    '../_base_/models/twins_pcpvt-s_upernet.py',
    '../_base_/datasets/synthetic_ade20k.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(

        init_cfg=None,
        embed_dims=[16, 32, 64, 128],
        num_heads=[1, 2, 2, 4],
        mlp_ratios=[4, 4, 4, 4],
        depths=[1, 1, 1, 1],
        sr_ratios=[8, 4, 2, 1]),
    decode_head=dict(
        in_channels=[16, 32, 64, 128], channels=32, num_classes=150),
    auxiliary_head=dict(in_channels=64, channels=16, num_classes=150))
optimizer = dict(
    _delete_=True,
    type='AdamW',
    lr=0.0006,
    betas=(0.9, 0.999),
    weight_decay=0.01,
    paramwise_cfg=dict(custom_keys={
        'pos_block': dict(decay_mult=0.),
        'norm': dict(decay_mult=0.)
    }))
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
