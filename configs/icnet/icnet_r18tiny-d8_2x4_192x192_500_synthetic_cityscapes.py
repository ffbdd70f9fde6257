# Tiny ICNet for CPU tests and quick trials on the built-in synthetic
# Cityscapes data: a ResNetV1c-18 with 16 base channels (layer2 and layer4
# give 32 and 128 channels), the 0.28 model's branches, neck and three FCN
# heads at a small width; 2 processes x 4 images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/icnet_r50-d8.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    backbone=dict(
        backbone_cfg=dict(depth=18, stem_channels=16, base_channels=16),
        layer_channels=(32, 128),
        light_branch_middle_channels=16,
        psp_out_channels=32,
        out_channels=(16, 32, 32)),
    neck=dict(in_channels=(16, 32, 32), out_channels=32),
    decode_head=dict(in_channels=32, channels=32),
    auxiliary_head=[
        dict(
            type='FCNHead',
            in_channels=32,
            channels=32,
            num_convs=1,
            num_classes=19,
            in_index=0,
            norm_cfg=norm_cfg,
            concat_input=False,
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4)),
        dict(
            type='FCNHead',
            in_channels=32,
            channels=32,
            num_convs=1,
            num_classes=19,
            in_index=1,
            norm_cfg=norm_cfg,
            concat_input=False,
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=0.4))
    ])
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
