# CAC-FCN HRNetV2-W48 on Cityscapes (40k) with the cross-image anchor memory:
# every anchor is also contrasted with the last 5000 anchors of each class
# gathered from all GPUs (docs/cac_memory.md). 5000 per class is the pixel
# queue size of ContrastiveSeg ("Exploring Cross-Image Pixel Contrast",
# HRNet-W48 on Cityscapes), the best-known cross-image pixel memory; it holds
# the anchors of roughly the last 20 iterations (about 4 x 1024 anchors per
# iteration over 19 classes), few enough to stay close to the current
# embedding. The loss list is repeated because lists are not merged.
_base_ = './fcn_hr48_4x2_512x1024_40k_cityscapes_lr0.01_0.4_0.1_1.5.py'
model = dict(
    decode_head=dict(
        loss_decode=[
            dict(
                type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0,
                class_weight=[
                    0.8373, 0.9180, 0.8660, 1.0345, 1.0166, 0.9969, 0.9754,
                    1.0489, 0.8786, 1.0023, 0.9539, 0.9843, 1.1116, 0.9037,
                    1.0865, 1.0955, 1.0865, 1.1529, 1.0507
                ]),
            dict(type='CACLoss', loss_weight=0.4, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False, memory_size=5000),
        ]))
