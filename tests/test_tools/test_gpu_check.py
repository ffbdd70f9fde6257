"""The GPU check's dry run: every part runs on the CPU at tiny sizes."""
import json

import pytest

from tests.runs import load_tool

pytestmark = pytest.mark.xdist_group('gpu_check')


def test_dry_run_reports_every_part(tmp_path):
    tool = load_tool('analysis/gpu_check.py')
    tool.main(['--out-dir', str(tmp_path), '--dry-run'])
    report = json.loads((tmp_path / 'gpu_check.json').read_text())
    assert report['dry_run'] and set(report['parts']) == set(tool.PARTS)
    for name, part in report['parts'].items():
        assert part['status'] == 'ok', (name, part.get('error'))
        assert part['seconds'] > 0
    parts = report['parts']
    assert parts['cac_loss']['autocast_dtype'] == 'torch.bfloat16'
    assert parts['amp_training']['finite']
    assert parts['dist_train']['finished']
    assert parts['inference']['aug_img_per_s'] > 0
    table = (tmp_path / 'gpu_check.md').read_text().splitlines()
    rows = [line.split(' | ')[0].strip('| ') for line in table
            if line.startswith('| ') and '---' not in line][1:]
    assert rows == list(tool.PARTS)
