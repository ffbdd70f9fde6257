# Quick start for CAC-OCRNet: the small HRNet of the CAC-FCN quick start under
# the OCRNet cascade (an FCN stage whose coarse logits the OCR stage refines)
# on the built-in synthetic Cityscapes data, 2 processes x 4 images of
# 192x192, 500 iterations. CAC settings of the Cityscapes CAC-OCRNet run (loss
# weight 0.6, temperature 0.1, confidence 1.5, OHEM on both stages); the heads
# are narrowed and, as in the CAC-FCN quick start, the warm-up covers the
# first 100 iterations and the CE losses have no class weights.
_base_ = [
    '../_base_/models/fcn_hr18tiny.py',
    '../_base_/datasets/synthetic_cityscapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='CascadeEncoderDecoder',
    num_stages=2,
    decode_head=[
        dict(
            type='FCNHead',
            in_channels=[18, 36, 72, 144],
            channels=sum([18, 36, 72, 144]),
            in_index=(0, 1, 2, 3),
            input_transform='resize_concat',
            kernel_size=1,
            num_convs=1,
            concat_input=False,
            dropout_ratio=-1,
            num_classes=19,
            norm_cfg=norm_cfg,
            align_corners=False,
            sampler=dict(type='OHEMPixelSampler', thresh=0.9, min_kept=10000),
            loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False,
                             loss_weight=0.4)),
        dict(
            type='CACOCRHead',
            in_channels=[18, 36, 72, 144],
            channels=128,
            ocr_channels=64,
            proj_channel=64,
            weight=1.5,
            in_index=(0, 1, 2, 3),
            input_transform='resize_concat',
            dropout_ratio=-1,
            num_classes=19,
            norm_cfg=norm_cfg,
            align_corners=False,
            sampler=dict(type='OHEMPixelSampler', thresh=0.9, min_kept=10000),
            loss_decode=[
                dict(type='CrossEntropyLoss', use_sigmoid=False,
                     loss_weight=1.0),
                dict(type='CACLoss', loss_weight=0.6, temperature=0.1,
                     hard_sort_hardmining=True, easy_sort_hardmining=True,
                     detach=False, max_sample=1024, threshold=100),
            ]),
    ])
optimizer = dict(lr=0.02)
lr_config = dict(policy='poly', power=0.9, min_lr=1e-4, by_epoch=False)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
