# CAC on FCN HRNetV2-W18: the FCN head gains a projection branch (for the
# contrastive loss) and a confidence branch (its own CE losses, x weight).
_base_ = './fcn_hr18.py'
model = dict(
    decode_head=dict(
        type='CACFCNHead',
        proj_channel=256,
        weight=1.5,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss'),
        ]))
