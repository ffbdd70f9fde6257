# CAC on SegFormer MiT-B0: the all-MLP head gains a projection branch (for
# the contrastive loss) and a confidence branch, a second all-MLP decoder on
# detached inputs (its own CE losses, x weight).
_base_ = './segformer_mit-b0.py'
model = dict(
    decode_head=dict(
        type='CACSegformerHead',
        proj_channel=256,
        weight=1.5,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss'),
        ]))
