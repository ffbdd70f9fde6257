# The synthetic ERFNet plus CAC: the baseline's config with CAC's branches on
# the decode head and its loss (loss weight 0.4, temperature 0.1, confidence
# 1.5 as the paper uses on Cityscapes); the CAC loss is off for the first 100
# iterations.
_base_ = '../erfnet/erfnet_fcn_2x4_192x192_500_synthetic_cityscapes.py'
model = dict(
    decode_head=dict(
        cac=dict(proj_channel=32, weight=1.5),
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
