"""tools/analysis/seed_report.py on 2 tiny configs x 2 seeds, then resumed
after one seed's work dir is deleted."""
import json
import math
import shutil

import pytest

from mmseg.datasets.synthetic import generate_cityscapes
from tests.runs import QUICK_CAC, load_tool, run_tool, small_run_options

pytestmark = pytest.mark.xdist_group('seed_report')

BASELINE = ('configs/hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
            'cityscapes_baseline.py')
seed_report = load_tool('analysis/seed_report.py')
NAMES = ('fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_0.4_0.1_1.5',
         'fcn_hr18tiny_2x4_192x192_500_synthetic_cityscapes_baseline')


def test_t_quantile_matches_the_t_table():
    # two-sided 95% critical values of Student's t (any statistics table)
    for dof, value in ((1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228)):
        quantile = seed_report.t_quantile(0.975, dof)
        assert quantile == pytest.approx(value, abs=2e-3)
        cdf = seed_report._t_cdf(value, dof)
        assert cdf == pytest.approx(0.975, abs=2e-4)


def test_paired_difference_interval():
    diffs = [0.01, 0.03, 0.02]
    stats = seed_report.paired_difference(diffs)
    half = seed_report.t_quantile(0.975, 2) * 0.01 / math.sqrt(3)
    assert stats['mean'] == pytest.approx(0.02)
    assert stats['ci95'] == pytest.approx([0.02 - half, 0.02 + half])
    assert seed_report.paired_difference([0.01])['ci95'] is None


def test_report_and_resume(tmp_path):
    data = tmp_path / 'data'
    generate_cityscapes(str(data), num_train=4, num_val=2, num_test=0,
                        size=(64, 96), seed=1)
    options = small_run_options(data, 2, **{'evaluation.interval': 2,
                                            'checkpoint_config.interval': 2})
    root = tmp_path / 'runs'
    command = ['python', 'tools/analysis/seed_report.py', QUICK_CAC,
               '--baseline', BASELINE, '--seeds', '0', '1', '--work-root',
               str(root), *options]
    first = run_tool(command).stdout
    assert first.count('training in') == 4
    for name in ('report.md', 'report.json', 'report.png'):
        assert (root / name).stat().st_size > 0
    report = json.loads((root / 'report.json').read_text())
    assert list(report['configs']) == list(NAMES)
    for conf in report['configs'].values():
        assert conf['seeds'] == [0, 1] and 0 <= conf['mIoU']['mean'] <= 1
        assert 'road' in conf['IoU'] and len(conf['config_hash']) == 16
    diff = report['paired_difference']
    assert diff['per_seed'] == pytest.approx(
        [a - b for a, b in zip(*(report['configs'][n]['mIoU_per_seed']
                                 for n in NAMES))])
    assert report['environment']['torch']

    shutil.rmtree(root / NAMES[1] / 'seed_1')
    second = run_tool(command).stdout
    assert second.count('training in') == 1
    assert f'{NAMES[1]} seed 1: training in' in second
    assert (root / NAMES[1] / 'seed_1' / 'seed_result.json').is_file()
