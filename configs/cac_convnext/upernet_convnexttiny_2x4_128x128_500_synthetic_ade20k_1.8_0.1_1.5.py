# The tiny UPerNet-ConvNeXt plus CAC: the baseline's config with CAC's branches
# on the decode head and its loss (loss weight 1.8, temperature 0.1,
# confidence 1.5 as the paper uses on ADE20K); the CAC loss is off for the
# first 100 iterations.
_base_ = '../convnext/upernet_convnexttiny_2x4_128x128_500_synthetic_ade20k.py'
model = dict(
    decode_head=dict(
        cac=dict(proj_channel=64, weight=1.5),
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=1.8, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False, max_sample=1024, threshold=100),
        ]))
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
