# Tiny UPerNet-ViT for CPU tests and quick trials on the built-in synthetic
# ADE20K data (150 classes): a ViT with 32 channels, 4 layers of 2 heads and
# patches of 8 (a 16x16 grid on 128x128 crops), every layer an output, the
# MultiLevelNeck and the heads at a small width; 2 processes x 4 images,
# 500 iterations. AdamW with a linear warm-up as the 0.28 ViT configs use,
# with a higher lr as nothing is pretrained.
_base_ = [
    '../_base_/models/upernet_vit-b16_ln_mln.py',
    '../_base_/datasets/synthetic_ade20k.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
model = dict(
    pretrained=None,
    backbone=dict(
        img_size=(128, 128),
        patch_size=8,
        embed_dims=32,
        num_layers=4,
        num_heads=2,
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.1,
        final_norm=True),
    neck=dict(in_channels=[32, 32, 32, 32], out_channels=32),
    decode_head=dict(
        in_channels=[32, 32, 32, 32], channels=32, num_classes=150),
    auxiliary_head=dict(in_channels=32, channels=16, num_classes=150))
optimizer = dict(
    _delete_=True,
    type='AdamW',
    lr=0.0006,
    betas=(0.9, 0.999),
    weight_decay=0.01,
    paramwise_cfg=dict(
        custom_keys={
            'pos_embed': dict(decay_mult=0.),
            'cls_token': dict(decay_mult=0.),
            'norm': dict(decay_mult=0.)
        }))
lr_config = dict(
    _delete_=True,
    policy='poly',
    warmup='linear',
    warmup_iters=50,
    warmup_ratio=1e-6,
    power=1.0,
    min_lr=0.0,
    by_epoch=False)
runner = dict(type='IterBasedRunner', max_iters=500)
checkpoint_config = dict(by_epoch=False, interval=250, max_keep_ckpts=2)
evaluation = dict(interval=250, metric='mIoU', pre_eval=True,
                  save_best='mIoU')
log_config = dict(interval=50)
