# Tiny STDC1 for CPU tests and quick trials on the built-in synthetic
# Cityscapes data: STDCNet1 at a quarter of the width with its context path,
# the OHEM FCN decode head, both auxiliary FCN heads and the detail head
# (STDCHead, cross entropy and Dice on boundary targets) of the 0.28 model;
# 2 processes x 4 images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/stdc.py', '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
ohem = dict(type='OHEMPixelSampler', thresh=0.7, min_kept=10000)
aux = dict(type='FCNHead', in_channels=32, channels=16, num_convs=1,
           num_classes=19, norm_cfg=norm_cfg, concat_input=False,
           align_corners=False, sampler=ohem,
           loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                            loss_weight=1.0))
model = dict(
    backbone=dict(
        backbone_cfg=dict(channels=(8, 16, 64, 128, 256)),
        last_in_channels=(256, 128),
        out_channels=32,
        ffm_cfg=dict(in_channels=96, out_channels=64, scale_factor=4)),
    decode_head=dict(in_channels=64, channels=64),
    auxiliary_head=[
        dict(aux, in_index=2),
        dict(aux, in_index=1),
        dict(type='STDCHead', in_channels=64, channels=16, num_convs=1,
             num_classes=2, boundary_threshold=0.1, in_index=0,
             norm_cfg=norm_cfg, concat_input=False, align_corners=True,
             loss_decode=[
                 dict(type='CrossEntropyLoss', loss_name='loss_ce',
                      use_sigmoid=True, loss_weight=1.0),
                 dict(type='DiceLoss', loss_name='loss_dice',
                      loss_weight=1.0)
             ]),
    ])
lr_config = dict(warmup='linear', warmup_iters=50)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
