# Quick start with the cross-image anchor memory (docs/cac_memory.md): 200
# anchors per class, a few iterations' worth at this size.
_base_ = './fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_0.4_0.1_1.5.py'
model = dict(
    decode_head=dict(
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False, memory_size=200),
        ]))
