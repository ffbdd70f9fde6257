# Tiny BiSeNetV2 for CPU tests and quick trials on the built-in synthetic
# Cityscapes data: the detail branch, semantic branch and aggregation of the
# 0.28 model at a quarter of the width, with its FCN decode head and four
# auxiliary FCN heads; 2 processes x 4 images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/bisenetv2.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='SyncBN', requires_grad=True)
aux = dict(type='FCNHead', channels=16, num_convs=2, num_classes=19,
           norm_cfg=norm_cfg, concat_input=False, align_corners=False,
           loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                            loss_weight=1.0))
model = dict(
    backbone=dict(detail_channels=(16, 16, 32),
                  semantic_channels=(8, 16, 32, 32), bga_channels=32),
    decode_head=dict(in_channels=32, channels=64),
    auxiliary_head=[
        dict(aux, in_channels=8, in_index=1),
        dict(aux, in_channels=16, in_index=2),
        dict(aux, in_channels=32, in_index=3),
        dict(aux, in_channels=32, in_index=4),
    ])
lr_config = dict(warmup='linear', warmup_iters=50)
optimizer = dict(lr=0.05)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
