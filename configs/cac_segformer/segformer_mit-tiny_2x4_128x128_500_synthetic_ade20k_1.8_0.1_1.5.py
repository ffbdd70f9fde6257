# Quick start for CAC-SegFormer: a tiny MiT (16 channels in the first stage,
# one block per stage; 0.6M parameters with the head) and the all-MLP head
# on the built-in synthetic ADE20K data (150 classes), 2 processes x 4
# images of 128x128, 500 iterations. CAC settings of the ADE20K
# CAC-SegFormer MiT-B0 run (loss weight 1.8, temperature 0.1, confidence
# 1.5, OHEM); AdamW and a poly schedule with linear warm-up as SegFormer
# uses, with a higher lr as nothing is pretrained. The CAC warm-up covers
# the first 100 iterations.
_base_ = [
    '../_base_/models/cac_segformer_mit-b0.py',
    '../_base_/datasets/synthetic_ade20k.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(embed_dims=16, num_layers=[1, 1, 1, 1]),
    decode_head=dict(
        in_channels=[16, 32, 80, 128],
        channels=64,
        num_classes=150,
        proj_channel=64,
        weight=1.5,
        sampler=dict(type='OHEMPixelSampler', thresh=0.9, min_kept=8000),
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=1.8, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False, max_sample=1024, threshold=100),
        ]))
optimizer = dict(
    _delete_=True,
    type='AdamW',
    lr=0.0006,
    betas=(0.9, 0.999),
    weight_decay=0.01,
    paramwise_cfg=dict(
        custom_keys={
            'pos_block': dict(decay_mult=0.),
            'norm': dict(decay_mult=0.),
            'head': dict(lr_mult=10.)
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
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
