"""The tiny synthetic configs of the context-module families (ANN, APCNet,
DANet, DMNet, DNLNet, EMANet, GCNet, ISANet, Non-local, ResNeSt): the plain
ones take a few SGD steps in-process and predict; their CAC variants train
end to end with tools/train.py for two iterations."""
import glob
import json
import os
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.datasets.collate import seg_collate
from mmseg.datasets.synthetic import generate_cityscapes
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import cac_branch_keys
from tests.conftest import REPO_ROOT
from tests.runs import load_tool

pytestmark = pytest.mark.xdist_group('zoo_ctx2')

TINY = '2x4_192x192_500_synthetic_cityscapes'
STEMS = {
    'ann': 'ann_r18tiny', 'apcnet': 'apcnet_r18tiny',
    'danet': 'danet_r18tiny', 'dmnet': 'dmnet_r18tiny',
    'dnlnet': 'dnl_r18tiny', 'emanet': 'emanet_r18tiny',
    'gcnet': 'gcnet_r18tiny', 'isanet': 'isanet_r18tiny',
    'nonlocal_net': 'nonlocal_r18tiny', 'resnest': 'pspnet_s50tiny'
}
PLAIN = [f'configs/{family}/{stem}_{TINY}.py'
         for family, stem in STEMS.items()]
CAC = [f'configs/cac_{family}/{stem}_{TINY}_0.4_0.1_1.5.py'
       for family, stem in STEMS.items()]
FULL = {
    'ann': 'ann_r50-d8', 'apcnet': 'apcnet_r50-d8', 'danet': 'danet_r50-d8',
    'dmnet': 'dmnet_r50-d8', 'dnlnet': 'dnl_r50-d8',
    'emanet': 'emanet_r50-d8', 'gcnet': 'gcnet_r50-d8',
    'isanet': 'isanet_r50-d8', 'nonlocal_net': 'nonlocal_r50-d8',
    'resnest': 'fcn_s101-d8'
}
# DANet supervises its fused logits (with CAC) and each attention path
CAC_PREFIX = {'danet': 'decode.pam_cam.'}
# tiny crops: 8x8 head maps, where classes of a few pixels must qualify
SMALL = {'data.train.pipeline.3.crop_size': (64, 64),
         'data.train.pipeline.7.size': (64, 64)}


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """One thread per test process: the suite runs on shared cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp('cityscapes')
    generate_cityscapes(str(root), num_train=2, num_val=1, num_test=1,
                        size=(96, 128), seed=3)
    return str(root)


def test_every_family_has_a_tiny_config_and_a_cac_variant():
    for config in PLAIN + CAC:
        assert (REPO_ROOT / config).is_file(), config


def build_on_meta(config: str):
    cfg = Config.fromfile(REPO_ROOT / config)
    with warnings.catch_warnings(), torch.device('meta'):
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        return build_segmentor(dict(cfg.model, pretrained=None))


@pytest.mark.parametrize('family', FULL)
def test_full_size_cac_variant_adds_only_the_cac_branches(family):
    name = f'{FULL[family]}_512x1024_80k_cityscapes'
    plain = build_on_meta(f'configs/{family}/{name}.py').state_dict()
    cac = build_on_meta(
        f'configs/cac_{family}/{name}_0.4_0.1_1.5.py').state_dict()
    assert set(plain) < set(cac)
    assert set(cac) - set(plain) == set(cac_branch_keys(cac))
    assert all(cac[k].shape == plain[k].shape for k in plain)


@pytest.mark.parametrize('config', PLAIN)
def test_tiny_config_trains_and_predicts(config, data_root):
    cfg = Config.fromfile(REPO_ROOT / config)
    cfg.merge_from_dict(SMALL)
    cfg.data.train.data_root = data_root
    dataset = build_dataset(cfg.data.train)
    batch = seg_collate([dataset[0], dataset[1]])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        model = build_segmentor(cfg.model)
    model.init_weights()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    totals = []
    for _ in range(3):
        losses = model.forward_train(batch['img'], batch['img_metas'],
                                     batch['gt_semantic_seg'])
        assert 'aux.loss_ce' in losses
        total = sum(v for k, v in losses.items() if 'loss' in k)
        assert torch.isfinite(total)
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
        totals.append(total.item())
    assert totals[-1] < totals[0], totals  # the same batch every step
    model.eval()
    img, metas = batch['img'][:1], batch['img_metas'][:1]
    with torch.no_grad():
        (pred, ) = model.simple_test(img, metas, rescale=True)
    assert pred.shape == tuple(metas[0]['ori_shape'][:2])


def json_records(work_dir: str) -> list:
    (path, ) = glob.glob(os.path.join(work_dir, '*.log.json'))
    with open(path) as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize('config', CAC)
def test_tiny_cac_variant_trains_with_tools_train(config, data_root,
                                                  tmp_path):
    options = {f'data.{s}.data_root': data_root
               for s in ('train', 'val', 'test')}
    options.update({k: f'({v[0]},{v[1]})' for k, v in SMALL.items()})
    options.update({
        'runner.max_iters': 2, 'checkpoint_config.interval': 2,
        'data.samples_per_gpu': 2, 'data.workers_per_gpu': 0,
        'log_config.interval': 1,
        'custom_hooks.0.start_iter': -1,  # no warm-up
        '+model.decode_head.loss_decode.1.threshold': 4})
    load_tool('train.py').main([
        str(REPO_ROOT / config), '--work-dir', str(tmp_path), '--seed', '0',
        '--no-validate', '--cfg-options',
        *(f'{k}={v}' for k, v in options.items())])
    prefix = CAC_PREFIX.get(config.split('/')[1][len('cac_'):], 'decode.')
    train = [r for r in json_records(str(tmp_path))
             if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2]
    for record in train:
        assert record[prefix + 'loss_cac'] > 0
        assert prefix + 'loss_ce_weight' in record
        assert all(v == v and abs(v) != float('inf')
                   for k, v in record.items() if 'loss' in k)
    checkpoint = torch.load(tmp_path / 'latest.pth', weights_only=False)
    assert any(k.startswith('decode_head.proj.')
               for k in checkpoint['state_dict'])
