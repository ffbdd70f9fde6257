# Tiny UNet (5 stages, output stride 16) with an FCN head for CPU tests and
# quick trials on the built-in synthetic Cityscapes data: 8 base channels
# instead of 64 (stages of 8 to 128 channels), the 0.28 FCN decode head on
# the full-resolution decoder output and the auxiliary FCN head on the
# stride-2 one; 2 processes x 4 images of 192x192, 500 iterations. Testing
# slides 256x256 windows, as 0.28's UNet configs do: the input size must be
# a multiple of 16.
_base_ = [
    '../_base_/models/fcn_unet_s5-d16.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(base_channels=8),
    decode_head=dict(in_channels=8, channels=16, num_classes=19),
    auxiliary_head=dict(in_channels=16, channels=16, num_classes=19),
    test_cfg=dict(crop_size=(256, 256), stride=(170, 170)))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
