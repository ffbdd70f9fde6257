_base_ = './pascal_voc12.py'
# PASCAL VOC 2012 with the SBD augmented annotations for training.
data = dict(
    train=dict(
        ann_dir=['SegmentationClass', 'SegmentationClassAug'],
        split=[
            'ImageSets/Segmentation/train.txt',
            'ImageSets/Segmentation/aug.txt'
        ]))
