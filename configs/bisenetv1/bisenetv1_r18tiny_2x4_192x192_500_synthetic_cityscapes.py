# Tiny BiSeNetV1 for CPU tests and quick trials on the built-in synthetic
# Cityscapes data: the context path on a ResNet-18 with 16 base channels
# (outputs of 16, 32, 64 and 128 channels), the spatial path and both
# auxiliary FCN heads of the 0.28 model at a small width; 2 processes x 4
# images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/bisenetv1_r18-d32.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    backbone=dict(
        context_channels=(32, 64, 128),
        spatial_channels=(16, 16, 16, 32),
        out_channels=64,
        backbone_cfg=dict(base_channels=16, stem_channels=16)),
    decode_head=dict(in_channels=64, channels=64),
    auxiliary_head=[
        dict(type='FCNHead', in_channels=32, channels=16, num_convs=1,
             num_classes=19, in_index=1, concat_input=False,
             norm_cfg=dict(type='SyncBN', requires_grad=True),
             align_corners=False,
             loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                              loss_weight=1.0)),
        dict(type='FCNHead', in_channels=32, channels=16, num_convs=1,
             num_classes=19, in_index=2, concat_input=False,
             norm_cfg=dict(type='SyncBN', requires_grad=True),
             align_corners=False,
             loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                              loss_weight=1.0)),
    ])
lr_config = dict(warmup='linear', warmup_iters=50)
optimizer = dict(lr=0.025)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
