# Tiny UNet with an FCN head on the built-in synthetic retinal vessel data
# (DRIVE layout, 2 classes), for CPU tests and quick trials: 8 base
# channels instead of 64, DRIVE's 64x64 crops and sliding-window test
# (stride 42), evaluated with mDice as 0.28's DRIVE configs are;
# 2 processes x 4 images, 500 iterations.
_base_ = [
    '../_base_/models/fcn_unet_s5-d16.py',
    '../_base_/datasets/synthetic_drive.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(base_channels=8),
    decode_head=dict(in_channels=8, channels=16),
    auxiliary_head=dict(in_channels=16, channels=16),
    test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(42, 42)))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mDice', pre_eval=True,
                  save_best='mDice')
log_config = dict(interval=50)
