# The tiny PointRend plus CAC: CAC's branches and loss (loss weight 0.4,
# temperature 0.1, confidence 1.5 as the paper uses on Cityscapes) on the
# cascade's first stage, the FPN head: the point head predicts at sampled
# points, not on a pixel map, so CAC does not apply to it. The CAC loss is
# off for the first 100 iterations.
_base_ = '../point_rend/pointrend_r18tiny_2x4_192x192_500_synthetic_cityscapes.py'
model = dict(decode_head=[
    dict(
        type='FPNHead',
        in_channels=[32, 32, 32, 32],
        in_index=[0, 1, 2, 3],
        feature_strides=[4, 8, 16, 32],
        channels=32,
        dropout_ratio=-1,
        num_classes=19,
        norm_cfg=dict(type='SyncBN', requires_grad=True),
        align_corners=False,
        cac=dict(proj_channel=64, weight=1.5),
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False),
        ]),
    dict(
        type='PointHead',
        in_channels=[32],
        in_index=[0],
        channels=32,
        num_fcs=3,
        coarse_pred_each_layer=True,
        dropout_ratio=-1,
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))
])
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=100,
         loss_name='loss_cac')
]
