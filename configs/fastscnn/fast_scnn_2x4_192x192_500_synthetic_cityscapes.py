# Fast-SCNN (the 0.28 model, 1.4M parameters) for CPU tests and quick trials
# on the built-in synthetic Cityscapes data: 2 processes x 4 images of
# 192x192, 500 iterations.
_base_ = [
    '../_base_/models/fast_scnn.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
