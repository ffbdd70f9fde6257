# Quick-start baseline: small FCN HRNet on the built-in synthetic Cityscapes
# data, 2 processes x 4 images of 192x192, 500 iterations (about 5 minutes on
# 2 CPU cores).
_base_ = [
    '../_base_/models/fcn_hr18tiny.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    decode_head=dict(
        sampler=dict(type='OHEMPixelSampler', thresh=0.9, min_kept=10000)))
optimizer = dict(lr=0.02)
lr_config = dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
