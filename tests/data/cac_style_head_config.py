# The quick-start FCN with its head replaced by tests/data/cac_style_head.py.
_base_ = ['../../configs/hrnet/'
          'fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_baseline.py']
custom_imports = dict(imports=['tests.data.cac_style_head'],
                      allow_failed_imports=False)
model = dict(decode_head=dict(_delete_=True, type='OldStyleConvHead',
                              in_channels=[18, 36, 72, 144],
                              in_index=(0, 1, 2, 3), channels=16,
                              input_transform='resize_concat',
                              num_classes=19, norm_cfg=dict(type='BN'),
                              align_corners=False,
                              loss_decode=dict(type='CrossEntropyLoss',
                                               loss_weight=1.0)))
