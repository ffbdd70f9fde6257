# Quick start: the small FCN HRNet baseline plus CAC (same CAC settings as the
# Cityscapes experiments: loss weight 0.4, temperature 0.1, confidence 1.5).
# The warm-up covers the first 100 of the 500 iterations (5000 of 40k in the
# paper).
_base_ = ('../hrnet/'
          'fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_baseline.py')
model = dict(
    decode_head=dict(
        type='CACFCNHead',
        proj_channel=64,
        weight=1.5,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False),
        ]))
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
