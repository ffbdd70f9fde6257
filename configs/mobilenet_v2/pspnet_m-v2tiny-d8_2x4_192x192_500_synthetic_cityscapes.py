# Tiny PSPNet on MobileNetV2 (dilated, output stride 8) for CPU tests and
# quick trials on the built-in synthetic Cityscapes data: the 0.28 model's
# backbone at half width (outputs of 16, 24, 48 and 160 channels), the same
# head and auxiliary FCN head at a small width; 2 processes x 4 images of
# 192x192, 500 iterations.
_base_ = [
    '../_base_/models/pspnet_r50-d8.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    pretrained=None,
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=0.5,
        strides=(1, 2, 2, 1, 1, 1, 1),
        dilations=(1, 1, 1, 2, 2, 4, 4),
        out_indices=(1, 2, 4, 6),
        norm_cfg=norm_cfg),
    decode_head=dict(in_channels=160, channels=32),
    auxiliary_head=dict(in_channels=48, channels=16))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
