"""docs/cac_any_head.md end to end: a user head trained with CAC from its
config on 2 processes, tested, stripped of CAC and tested as a plain model."""
import glob
import sys

import mmengine
import pytest
import torch
from mmengine.config import Config

from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import cac_branch_keys, plain_head_cfg
from mmseg.registry import MODELS
from tests.conftest import REPO_ROOT
from tests.runs import free_port, json_log, run_tool, small_run_options

pytestmark = pytest.mark.xdist_group('cac_any_head_tools')
USER_CONFIG = 'docs/examples/cac_two_path_hr18tiny_synthetic_cityscapes.py'
USER_ENV = dict(PYTHONPATH=str(REPO_ROOT / 'docs' / 'examples'))
MAX_ITERS = 4


def options(root) -> list:
    return small_run_options(root, MAX_ITERS, **{
        'evaluation.interval': MAX_ITERS,
        'checkpoint_config.interval': MAX_ITERS,
        'custom_hooks.0.start_iter': 0})


@pytest.fixture(scope='module')
def user_run(synthetic_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('two_path')
    run_tool(['bash', 'tools/dist_train.sh', USER_CONFIG, '2', '--work-dir',
              str(work_dir), '--seed', '0', *options(synthetic_root)],
             env=dict(USER_ENV, PORT=str(free_port())))
    return work_dir


def eval_miou(work_dir) -> float:
    (path, ) = glob.glob(str(work_dir / 'eval_single_scale_*.json'))
    return mmengine.load(path)['metric']['mIoU']


def test_user_head_trains_with_cac_from_its_config(user_run):
    train = [r for r in json_log(user_run) if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == list(range(1, MAX_ITERS + 1))
    assert {'decode.loss_ce', 'decode.loss_ce_weight', 'decode.loss_cac',
            'decode.acc_seg_weight'} <= set(train[-1])
    assert all(r['decode.loss_cac'] > 0 for r in train[1:])
    state = torch.load(user_run / 'latest.pth', weights_only=False)
    assert 'decode_head.wide.conv.weight' in state['state_dict']
    assert 'decode_head.weight_branch.wide.conv.weight' in state['state_dict']


def test_user_head_tests_and_strips_to_a_plain_model(user_run,
                                                     synthetic_root,
                                                     tmp_path, monkeypatch):
    run_tool(['bash', 'tools/dist_test.sh', USER_CONFIG,
              str(user_run / 'latest.pth'), '2', '--eval', 'mIoU',
              '--work-dir', str(tmp_path / 'cac'), *options(synthetic_root)],
             env=dict(USER_ENV, PORT=str(free_port())))
    stripped = tmp_path / 'two_path_plain.pth'
    trained = torch.load(user_run / 'latest.pth', weights_only=False)
    count = len(cac_branch_keys(trained['state_dict']))
    assert count > 0
    result = run_tool(['python', 'tools/model_converters/strip_cac.py',
                       str(user_run / 'latest.pth'), str(stripped)])
    assert f'removed {count} CAC keys; wrote {stripped}' in result.stdout
    again = run_tool(['python', 'tools/model_converters/strip_cac.py',
                      str(user_run / 'latest.pth'), str(stripped)],
                     check=False)
    assert again.returncode == 2 and 'exists' in again.stderr

    # the plain config of the same model: no cac key, no CAC loss
    monkeypatch.syspath_prepend(str(REPO_ROOT / 'docs' / 'examples'))
    cfg = Config.fromfile(REPO_ROOT / USER_CONFIG)
    cfg.model.decode_head = plain_head_cfg(cfg.model.decode_head, MODELS)
    cfg.custom_hooks = []
    plain_config = tmp_path / 'two_path_plain.py'
    cfg.dump(str(plain_config))
    model = build_segmentor(cfg.model)
    weights = torch.load(stripped, weights_only=True)['state_dict']
    model.load_state_dict(weights, strict=True)

    for ckpt, name in ((stripped, 'stripped'),
                       (user_run / 'latest.pth', 'dropped')):
        run_tool(['python', 'tools/test.py', str(plain_config), str(ckpt),
                  '--eval', 'mIoU', '--work-dir', str(tmp_path / name),
                  *small_run_options(synthetic_root, MAX_ITERS)],
                 env=USER_ENV)
    miou = eval_miou(tmp_path / 'cac')
    assert eval_miou(tmp_path / 'stripped') == pytest.approx(miou)
    assert eval_miou(tmp_path / 'dropped') == pytest.approx(miou)


def test_strip_cac_refuses_a_plain_checkpoint(tmp_path):
    path = tmp_path / 'plain.pth'
    torch.save(dict(state_dict={'decode_head.conv_seg.weight':
                                torch.zeros(1)}), path)
    result = run_tool([sys.executable, 'tools/model_converters/strip_cac.py',
                       str(path), str(tmp_path / 'out.pth')], check=False)
    assert result.returncode == 2
    assert 'has no CAC branch keys' in result.stderr
    assert not (tmp_path / 'out.pth').exists()
