"""The synthetic data generator's output, pinned by checksums.

Every file a generator writes for seed 0 (two training images, one
validation image, one test image for Cityscapes) is read back and hashed:
PNG and JPEG files by their decoded pixels (so the PNG encoder's settings do
not matter), text and JSON files by their bytes. A change of any digest
means the generated data changed.
"""
import hashlib
import os
import os.path as osp

import cv2
import pytest

from mmseg.datasets.synthetic import (
    generate_ade20k,
    generate_cityscapes,
    generate_coco_stuff,
    generate_pascal_context,
)

SIZE = (32, 48)


def digest(path: str) -> str:
    if path.endswith(('.png', '.jpg')):
        array = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        data = f'{array.dtype}{array.shape}'.encode() + array.tobytes()
    else:
        with open(path, 'rb') as f:
            data = f.read()
    return hashlib.sha256(data).hexdigest()[:16]


def digests(root: str) -> dict:
    return {osp.relpath(osp.join(folder, name), root): digest(
        osp.join(folder, name)) for folder, _, names in os.walk(root)
        for name in names}


GENERATE = {
    'cityscapes': lambda root: generate_cityscapes(
        root, num_train=2, num_val=1, num_test=1, size=SIZE,
        cities=['aachen']),
    'ade20k': lambda root: generate_ade20k(root, 2, 1, size=SIZE),
    'pascal_context': lambda root: generate_pascal_context(root, 2, 1,
                                                           size=SIZE),
    'coco_stuff10k': lambda root: generate_coco_stuff(root, '10k', 2, 1,
                                                      size=SIZE),
    'coco_stuff164k': lambda root: generate_coco_stuff(root, '164k', 2, 1,
                                                       size=SIZE),
}

EXPECTED = {
    'ade20k': {
        'annotations/training/ADE_train_00000001.png':
            '9f4be11335060f6e',
        'annotations/training/ADE_train_00000002.png':
            '5088fe83d8484c2e',
        'annotations/validation/ADE_val_00000001.png':
            'e99d4c7667f35345',
        'images/training/ADE_train_00000001.jpg':
            'e60686055ca26028',
        'images/training/ADE_train_00000002.jpg':
            '55ec2b53c2315a77',
        'images/validation/ADE_val_00000001.jpg':
            'f8e9d7619aa2eee0',
    },
    'cityscapes': {
        'gtFine/test/aachen/aachen_000000_000019_gtFine_color.png':
            '5f0c3bffae0e3430',
        'gtFine/test/aachen/aachen_000000_000019_gtFine_instanceIds.png':
            'dea3410567f58671',
        'gtFine/test/aachen/aachen_000000_000019_gtFine_labelIds.png':
            '58a87b88ca03a168',
        'gtFine/test/aachen/aachen_000000_000019_gtFine_labelTrainIds.png':
            '4e06ddc569dca18b',
        'gtFine/test/aachen/aachen_000000_000019_gtFine_polygons.json':
            '2a9e902b6f4a51b2',
        'gtFine/train/aachen/aachen_000000_000019_gtFine_color.png':
            '22577cd954160f96',
        'gtFine/train/aachen/aachen_000000_000019_gtFine_instanceIds.png':
            'c75d5f5c56f54d48',
        'gtFine/train/aachen/aachen_000000_000019_gtFine_labelIds.png':
            '3a027c1fe5f3f752',
        'gtFine/train/aachen/aachen_000000_000019_gtFine_labelTrainIds.png':
            'eabc1e31761fadad',
        'gtFine/train/aachen/aachen_000000_000019_gtFine_polygons.json':
            '21aa4df94d5a60d5',
        'gtFine/train/aachen/aachen_000001_000019_gtFine_color.png':
            'ee08b2987ad725eb',
        'gtFine/train/aachen/aachen_000001_000019_gtFine_instanceIds.png':
            'a50fd5e3d64311b5',
        'gtFine/train/aachen/aachen_000001_000019_gtFine_labelIds.png':
            'f90a954c5d0bbf86',
        'gtFine/train/aachen/aachen_000001_000019_gtFine_labelTrainIds.png':
            '6b07ba18bd25c228',
        'gtFine/train/aachen/aachen_000001_000019_gtFine_polygons.json':
            'be95cf39ff65d8c9',
        'gtFine/val/aachen/aachen_000000_000019_gtFine_color.png':
            'f3b213865a4fc924',
        'gtFine/val/aachen/aachen_000000_000019_gtFine_instanceIds.png':
            'dd7f84c005f973f6',
        'gtFine/val/aachen/aachen_000000_000019_gtFine_labelIds.png':
            '6feee195dbb98ea7',
        'gtFine/val/aachen/aachen_000000_000019_gtFine_labelTrainIds.png':
            'f157b8cf46c38f65',
        'gtFine/val/aachen/aachen_000000_000019_gtFine_polygons.json':
            'c1a22fbc7b6c725f',
        'leftImg8bit/test/aachen/aachen_000000_000019_leftImg8bit.png':
            'cd5c0cb843ca959a',
        'leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png':
            '94d5d43a6d1e7578',
        'leftImg8bit/train/aachen/aachen_000001_000019_leftImg8bit.png':
            '87d09055483efcee',
        'leftImg8bit/val/aachen/aachen_000000_000019_leftImg8bit.png':
            '674ef3dd6d4847b0',
        'test.txt':
            '67457e7d33d49c09',
        'train.txt':
            'da7a90c01d26df9a',
        'val.txt':
            '67457e7d33d49c09',
    },
    'coco_stuff10k': {
        'annotations/test2014/COCO_train2014_000000000139_labelTrainIds.png':
            '866e41ce71386571',
        'annotations/train2014/COCO_train2014_000000000009_labelTrainIds.png':
            'b83fe23f652d74aa',
        'annotations/train2014/COCO_train2014_000000000026_labelTrainIds.png':
            '4971eb3205b4d8bf',
        'images/test2014/COCO_train2014_000000000139.jpg':
            '02509b4293918558',
        'images/train2014/COCO_train2014_000000000009.jpg':
            '02f8c95fb55ff8c4',
        'images/train2014/COCO_train2014_000000000026.jpg':
            '6057e4fc16918be5',
        'imagesLists/all.txt':
            'f02a6bea13c64caa',
        'imagesLists/test.txt':
            '1d4dc51560f45eda',
        'imagesLists/train.txt':
            'da990966fa0d0899',
    },
    'coco_stuff164k': {
        'annotations/train2017/000000000009_labelTrainIds.png':
            'd5cc55a5fd2c0122',
        'annotations/train2017/000000000026_labelTrainIds.png':
            '64f7a75627e31d85',
        'annotations/val2017/000000000139_labelTrainIds.png':
            '81b6b6b08f86183a',
        'images/train2017/000000000009.jpg':
            '42d99e94dcafe46e',
        'images/train2017/000000000026.jpg':
            '5ece7cfb48ee6424',
        'images/val2017/000000000139.jpg':
            'efcde4d1e92a1206',
    },
    'pascal_context': {
        'ImageSets/SegmentationContext/train.txt':
            '03d17b6e0f1e89c8',
        'ImageSets/SegmentationContext/val.txt':
            '067c42736da8cdb1',
        'JPEGImages/2008_000001.jpg':
            '061b7919a25882d3',
        'JPEGImages/2008_000002.jpg':
            'f8d33c361a73a6b1',
        'JPEGImages/2010_000001.jpg':
            '537da28bb92ccc2b',
        'SegmentationClassContext/2008_000001.png':
            '4f94641e0bf59dca',
        'SegmentationClassContext/2008_000002.png':
            'f207f46b4e049192',
        'SegmentationClassContext/2010_000001.png':
            'c63df36fded1c2b5',
    },
}


@pytest.mark.parametrize('layout', sorted(GENERATE))
def test_generated_files_keep_their_checksums(layout, tmp_path):
    GENERATE[layout](str(tmp_path))
    assert digests(str(tmp_path)) == EXPECTED[layout]
