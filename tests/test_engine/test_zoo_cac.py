"""The CAC variants of the model zoo's configs (``configs/cac_<family>/``).

Each CAC config inherits its baseline and states only what CAC changes; its
segmentation branch is the baseline model. The tiny synthetic variants train
on 2 processes with tools/dist_train.sh and test with tools/dist_test.sh.
"""
import ast
import glob
import os
import warnings
from functools import partial
from pathlib import Path

import mmengine
import pytest
import torch
from mmengine.config import Config

from mmseg.datasets.synthetic import generate_ade20k, generate_cityscapes
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import cac_branch_keys
from tests.conftest import REPO_ROOT
from tests.helpers import metas
from tests.runs import free_port, json_log, run_tool

pytestmark = pytest.mark.xdist_group('zoo_cac')
FAMILIES = ('deeplabv3', 'deeplabv3plus', 'pspnet', 'upernet', 'swin')
CAC_CONFIGS = sorted(
    p.relative_to(REPO_ROOT).as_posix() for family in FAMILIES
    for p in (REPO_ROOT / 'configs' / f'cac_{family}').glob('*.py'))
FULL = [c for c in CAC_CONFIGS if 'synthetic' not in c]
TINY = [c for c in CAC_CONFIGS if 'synthetic' in c]


def base_of(config: str) -> str:
    """The single ``_base_`` file a CAC config inherits from."""
    tree = ast.parse((REPO_ROOT / config).read_text())
    (base, ) = [ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign)
                and node.targets[0].id == '_base_']
    assert isinstance(base, str), f'{config}: inherit one baseline'
    return os.path.normpath(os.path.join(os.path.dirname(config), base))


def build(config: str):
    cfg = Config.fromfile(REPO_ROOT / config)
    model_cfg = dict(cfg.model, pretrained=None)
    if 'init_cfg' in model_cfg.get('backbone', {}):
        model_cfg['backbone'] = dict(model_cfg['backbone'], init_cfg=None)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN -> BN
        return cfg, build_segmentor(model_cfg)


def test_every_family_has_cac_variants():
    for family in FAMILIES:
        assert any(f'/cac_{family}/' in c for c in FULL), family
        assert any(f'/cac_{family}/' in c for c in TINY), family


@pytest.mark.parametrize('config', FULL)
def test_cac_variant_is_its_baseline_at_test_time(config):
    cfg, cac = build(config)
    _, baseline = build(base_of(config))
    head = cfg.model.decode_head
    assert head.cac['proj_channel'] == 256
    assert [loss.type for loss in head.loss_decode][-1] == 'CACLoss'
    assert [h.type for h in cfg.custom_hooks] == ['loss_weight_warmup_hook']
    assert cfg.custom_hooks[0].start_iter == 5000
    plain = baseline.state_dict()
    extra = set(cac.state_dict()) - set(plain)
    assert set(plain) < set(cac.state_dict())
    assert extra == set(cac_branch_keys(cac.state_dict()))
    cac.load_state_dict(plain, strict=False)
    baseline.eval()
    cac.eval()
    img = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(cac.encode_decode(img, metas(1, 64, 64)),
                                   baseline.encode_decode(img,
                                                          metas(1, 64, 64)),
                                   rtol=0, atol=0)


def tiny_options(cfg: Config, root: Path, iters: int) -> list:
    opts = {f'data.{s}.data_root': str(root) for s in ('train', 'val',
                                                       'test')}
    opts.update({
        'runner.max_iters': iters, 'checkpoint_config.interval': iters,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1,
        'custom_hooks.0.start_iter': -1,  # no warm-up
        'data.train.pipeline.3.crop_size': '(64,64)',
        'data.train.pipeline.7.size': '(64,64)'})
    if cfg.model.decode_head.get('sampler'):
        opts['model.decode_head.sampler.min_kept'] = 500
    # 64x64 crops give the heads 8x8 to 16x16 maps: let classes of a few
    # pixels qualify for anchors
    opts['+model.decode_head.loss_decode.1.threshold'] = 4
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory) -> dict:
    roots = {}
    for name, generate in (
            ('CityscapesDataset', partial(generate_cityscapes, num_test=2)),
            ('ADE20KDataset', generate_ade20k)):
        roots[name] = tmp_path_factory.mktemp(name)
        generate(str(roots[name]), num_train=4, num_val=2, size=(96, 128),
                 seed=0)
    return roots


@pytest.mark.parametrize('config', TINY)
def test_tiny_cac_variant_trains_and_tests_on_2_processes(config, data_roots,
                                                          tmp_path):
    cfg = Config.fromfile(REPO_ROOT / config)
    options = tiny_options(cfg, data_roots[cfg.data.train.type], 2)
    run_tool(['bash', 'tools/dist_train.sh', config, '2', '--work-dir',
              str(tmp_path), '--seed', '0', '--no-validate', *options],
             env=dict(PORT=str(free_port())))
    train = [r for r in json_log(tmp_path) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    assert all(r['decode.loss_cac'] > 0 for r in train)
    assert all('decode.loss_ce_weight' in r for r in train)
    run_tool(['bash', 'tools/dist_test.sh', config,
              str(tmp_path / 'latest.pth'), '2', '--eval', 'mIoU',
              '--work-dir', str(tmp_path / 'test'), *options],
             env=dict(PORT=str(free_port())))
    (path, ) = glob.glob(str(tmp_path / 'test' / 'eval_single_scale_*.json'))
    assert 0 <= mmengine.load(path)['metric']['mIoU'] <= 1
