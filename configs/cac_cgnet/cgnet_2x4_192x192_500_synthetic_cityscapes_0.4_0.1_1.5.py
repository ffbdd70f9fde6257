# The synthetic CGNet plus CAC: the baseline's config with CAC's branches on
# the decode head and its loss (loss weight 0.4, temperature 0.1, confidence
# 1.5 as the paper uses on Cityscapes); the CAC loss is off for the first 100
# iterations.
_base_ = '../cgnet/cgnet_2x4_192x192_500_synthetic_cityscapes.py'
model = dict(
    decode_head=dict(
        cac=dict(proj_channel=64, weight=1.5),
        loss_decode=[
            dict(
                type='CrossEntropyLoss',
                use_sigmoid=False,
                loss_weight=1.0,
                class_weight=[
                    2.5959933, 6.7415504, 3.5354059, 9.8663225, 9.690899,
                    9.369352, 10.289121, 9.953208, 4.3097677, 9.490387,
                    7.674431, 9.396905, 10.347791, 6.3927646, 10.226669,
                    10.241062, 10.280587, 10.396974, 10.055647
                ]),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False),
        ]))
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
