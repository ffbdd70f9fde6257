"""The 0.28 model-zoo configs build the 0.28 networks: parameter and
state-dict counts (MMSeg 0.28.0, SyncBN built as BN)."""
import warnings

import pytest
from mmengine.config import Config

from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.xdist_group('model_zoo_counts')

ADE20K = dict(decode_head=dict(num_classes=150),
              auxiliary_head=dict(num_classes=150))
R101 = dict(backbone=dict(depth=101))

# config, model overrides (for the facts without a config of their own),
# parameters, state-dict entries
CASES = [
    ('deeplabv3/deeplabv3_r50-d8_512x1024_80k_cityscapes.py', {},
     68_113_030, 376),
    ('deeplabv3/deeplabv3_r50-d8_512x1024_80k_cityscapes.py', R101,
     87_105_158, 682),
    ('deeplabv3plus/deeplabv3plus_r50-d8_512x1024_80k_cityscapes.py', {},
     43_589_878, 424),
    ('deeplabv3plus/deeplabv3plus_r101-d8_512x1024_80k_cityscapes.py', {},
     62_582_006, 730),
    ('deeplabv3plus/deeplabv3plus_r101-d8_512x1024_80k_cityscapes.py',
     ADE20K, 62_682_876, 730),
    ('pspnet/pspnet_r50-d8_512x1024_80k_cityscapes.py', {}, 48_975_494, 370),
    ('pspnet/pspnet_r101-d8_512x1024_80k_cityscapes.py', {}, 67_967_622,
     676),
    ('upernet/upernet_r50_512x1024_80k_cityscapes.py', {}, 66_415_238, 412),
    ('upernet/upernet_r50_512x1024_80k_cityscapes.py', dict(R101, **ADE20K),
     85_508_236, 718),
    ('swin/upernet_swin_tiny_patch4_window7_512x512_160k_ade20k_'
     'pretrain_224x224_1K.py', {}, 59_941_862, 271),
    ('swin/upernet_swin_base_patch4_window12_512x512_160k_ade20k_'
     'pretrain_384x384_22K.py', {}, 121_415_076, 439),
]


@pytest.mark.parametrize('config, overrides, params, entries', CASES)
def test_counts_match_mmseg_028(config, overrides, params, entries):
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    cfg.merge_from_dict(dict(model=overrides))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == params
    assert len(model.state_dict()) == entries
