# CAC on a user head (docs/cac_any_head.md): the quick-start model with its
# FCN head replaced by TwoPathHead from my_heads.py, and CAC switched on by
# the `cac` key. Run with my_heads.py importable (PYTHONPATH).
_base_ = ('../../configs/hrnet/'
          'fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_baseline.py')
custom_imports = dict(imports=['my_heads'], allow_failed_imports=False)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='TwoPathHead',
        dilation=3,
        in_channels=[18, 36, 72, 144],
        in_index=(0, 1, 2, 3),
        input_transform='resize_concat',
        channels=64,
        dropout_ratio=-1,
        num_classes=19,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        align_corners=False,
        sampler=dict(type='OHEMPixelSampler', thresh=0.9, min_kept=10000),
        cac=dict(proj_channel=64, weight=1.5),
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True),
        ]))
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
