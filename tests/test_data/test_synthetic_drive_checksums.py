"""The synthetic DRIVE layout's output, pinned by checksums.

Every file ``generate_drive`` writes for seed 0 (two training images, one
validation image of 32x48) is read back and hashed by its decoded pixels,
so the PNG encoder's settings do not matter. A change of any digest means
the generated data changed.
"""
import hashlib
import os
import os.path as osp

import cv2

from mmseg.datasets.synthetic import generate_drive

EXPECTED = {
    'annotations/training/21_manual1.png': '86b02e6b2eeaa212',
    'annotations/training/22_manual1.png': 'e5da574011f14761',
    'annotations/validation/01_manual1.png': '3a671dfdcd651e8e',
    'images/training/21.png': 'a4f3f7c8a6b1952a',
    'images/training/22.png': 'dbd91f25c113e03b',
    'images/validation/01.png': '609b4acefdbcd82a',
}


def digest(path: str) -> str:
    array = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    data = f'{array.dtype}{array.shape}'.encode() + array.tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def test_generated_files_keep_their_checksums(tmp_path):
    generate_drive(str(tmp_path), num_train=2, num_val=1, size=(32, 48))
    found = {osp.relpath(osp.join(folder, name), tmp_path):
             digest(osp.join(folder, name))
             for folder, _, names in os.walk(tmp_path) for name in names}
    assert found == EXPECTED
