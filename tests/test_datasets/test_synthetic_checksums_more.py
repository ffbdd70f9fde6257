"""The output of the synthetic layouts added after the first five (DRIVE,
STARE, CHASE_DB1, HRF, Dark Zurich, Nighttime Driving), pinned by
checksums. The retinal layouts draw the same scenes under each dataset's
file names.

Every file a generator writes for seed 0 (two training and one validation
image for the retinal sets, two images for the night sets, all 32x48) is
read back and hashed by its decoded pixels, so the PNG encoder's settings
do not matter. A change of any digest means the generated data changed.
"""
import hashlib
import os
import os.path as osp

import cv2
import pytest

from mmseg.datasets.synthetic import (
    generate_chase_db1,
    generate_dark_zurich,
    generate_drive,
    generate_hrf,
    generate_night_driving,
    generate_stare,
)

SIZE = (32, 48)
GENERATE = {
    'drive': lambda root: generate_drive(root, 2, 1, size=SIZE),
    'stare': lambda root: generate_stare(root, 2, 1, size=SIZE),
    'chase_db1': lambda root: generate_chase_db1(root, 2, 1, size=SIZE),
    'hrf': lambda root: generate_hrf(root, 2, 1, size=SIZE),
    'dark_zurich': lambda root: generate_dark_zurich(root, 2, size=SIZE),
    'night_driving': lambda root: generate_night_driving(root, 2, size=SIZE),
}
EXPECTED = {
    'drive': {
        'annotations/training/21_manual1.png': '86b02e6b2eeaa212',
        'annotations/training/22_manual1.png': 'e5da574011f14761',
        'annotations/validation/01_manual1.png': '3a671dfdcd651e8e',
        'images/training/21.png': 'a4f3f7c8a6b1952a',
        'images/training/22.png': 'dbd91f25c113e03b',
        'images/validation/01.png': '609b4acefdbcd82a',
    },
    'stare': {
        'annotations/training/im0001.ah.png': '86b02e6b2eeaa212',
        'annotations/training/im0002.ah.png': 'e5da574011f14761',
        'annotations/validation/im0003.ah.png': '3a671dfdcd651e8e',
        'images/training/im0001.png': 'a4f3f7c8a6b1952a',
        'images/training/im0002.png': 'dbd91f25c113e03b',
        'images/validation/im0003.png': '609b4acefdbcd82a',
    },
    'chase_db1': {
        'annotations/training/Image_01L_1stHO.png': '86b02e6b2eeaa212',
        'annotations/training/Image_01R_1stHO.png': 'e5da574011f14761',
        'annotations/validation/Image_02L_1stHO.png': '3a671dfdcd651e8e',
        'images/training/Image_01L.png': 'a4f3f7c8a6b1952a',
        'images/training/Image_01R.png': 'dbd91f25c113e03b',
        'images/validation/Image_02L.png': '609b4acefdbcd82a',
    },
    'hrf': {
        'annotations/training/01_g.png': 'e5da574011f14761',
        'annotations/training/01_h.png': '86b02e6b2eeaa212',
        'annotations/validation/01_dr.png': '3a671dfdcd651e8e',
        'images/training/01_g.png': 'dbd91f25c113e03b',
        'images/training/01_h.png': 'a4f3f7c8a6b1952a',
        'images/validation/01_dr.png': '609b4acefdbcd82a',
    },
    'dark_zurich': {
        'gt/val/night/GOPR0356/GOPR0356_frame_000000_gt_labelIds.png':
            '83af49ec9d3efd05',
        'gt/val/night/GOPR0356/GOPR0356_frame_000000_gt_labelTrainIds.png':
            '4bc39dc4fb65f124',
        'gt/val/night/GOPR0356/GOPR0356_frame_000001_gt_labelIds.png':
            'f0a5fab45506c9ed',
        'gt/val/night/GOPR0356/GOPR0356_frame_000001_gt_labelTrainIds.png':
            'dc8ca3efc499de8b',
        'rgb_anon/val/night/GOPR0356/GOPR0356_frame_000000_rgb_anon.png':
            '5758b6597d4bed2c',
        'rgb_anon/val/night/GOPR0356/GOPR0356_frame_000001_rgb_anon.png':
            '4ac848835071fc9f',
    },
    'night_driving': {
        'gtCoarse_daytime_trainvaltest/test/night/'
        '0_frame_0199_gtCoarse_labelIds.png': '8ef259144685daaa',
        'gtCoarse_daytime_trainvaltest/test/night/'
        '0_frame_0199_gtCoarse_labelTrainIds.png': 'd059a55f8afc899b',
        'gtCoarse_daytime_trainvaltest/test/night/'
        '1_frame_0199_gtCoarse_labelIds.png': 'faadaeae2c1027cf',
        'gtCoarse_daytime_trainvaltest/test/night/'
        '1_frame_0199_gtCoarse_labelTrainIds.png': '977d9a04d5328339',
        'leftImg8bit/test/night/0_frame_0199_leftImg8bit.png':
            'c7b7774c9d88df15',
        'leftImg8bit/test/night/1_frame_0199_leftImg8bit.png':
            '26ca822fdf54a886',
    },
}


def digest(path: str) -> str:
    array = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    data = f'{array.dtype}{array.shape}'.encode() + array.tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


@pytest.mark.parametrize('layout', sorted(GENERATE))
def test_generated_files_keep_their_checksums(layout, tmp_path):
    GENERATE[layout](str(tmp_path))
    found = {osp.relpath(osp.join(folder, name), tmp_path):
             digest(osp.join(folder, name))
             for folder, _, names in os.walk(tmp_path) for name in names}
    assert found == EXPECTED[layout]
