# Tiny Non-local Net (dilated, output stride 8) for CPU tests and quick
# trials on the built-in synthetic Cityscapes data: a ResNetV1c-18 with 16
# base channels (outputs of 16, 32, 64 and 128 channels), the same head and
# auxiliary FCN head as the 0.28 model at a small width; 2 processes x 4
# images of 192x192, 500 iterations.
_base_ = [
    '../_base_/models/nonlocal_r50-d8.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    pretrained=None,
    backbone=dict(depth=18, stem_channels=16, base_channels=16),
    decode_head=dict(in_channels=128, channels=32),
    auxiliary_head=dict(in_channels=64, channels=16))
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
