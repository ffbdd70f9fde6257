# The tiny synthetic DRIVE UNet with CAC on its FCN decode head (Cityscapes'
# CAC settings: loss weight 0.4, temperature 0.1, confidence 1.5), warmed up
# over the first 100 iterations.
_base_ = '../unet/fcn_unet_s5-d16tiny_2x4_64x64_500_synthetic_drive.py'
model = dict(
    decode_head=dict(
        cac=dict(proj_channel=16, weight=1.5),
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
