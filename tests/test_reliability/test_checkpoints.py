"""Checkpoints are written atomically and rotation keeps what matters."""
import os

import pytest
import torch
from mmengine.runner import Runner

from mmseg.engine.hooks.checkpoint_hook import write_atomically
from mmseg.engine.runner import ResumableRunner
from tests.runs import QUICK_CAC, run_tool, small_run_options


def test_a_failure_while_saving_leaves_no_truncated_file(tmp_path,
                                                         monkeypatch):
    good = tmp_path / 'iter_2.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}}, good)
    before = good.read_bytes()

    def crash_mid_write(self, out_dir, filename, *args, **kwargs):
        with open(os.path.join(out_dir, filename), 'wb') as f:
            f.write(b'half a checkpoint')
        raise KeyboardInterrupt  # as if killed while writing

    monkeypatch.setattr(Runner, 'save_checkpoint', crash_mid_write)
    runner = object.__new__(ResumableRunner)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(runner, str(tmp_path), 'iter_3.pth')
    assert not (tmp_path / 'iter_3.pth').exists()
    assert not (tmp_path / 'iter_3.pth.part').exists()
    assert good.read_bytes() == before
    # a complete save replaces atomically
    monkeypatch.setattr(Runner, 'save_checkpoint',
                        lambda self, out_dir, name, *a, **k: torch.save(
                            {'ok': True}, os.path.join(out_dir, name)))
    write_atomically(runner, str(tmp_path), 'iter_3.pth')
    assert torch.load(tmp_path / 'iter_3.pth')['ok']


def test_rotation_never_deletes_the_checkpoint_resumed_from(synthetic_root,
                                                            tmp_path):
    base = ['python', 'tools/train.py', QUICK_CAC, '--work-dir',
            str(tmp_path), '--no-validate', '--seed', '0']
    run_tool(base + small_run_options(synthetic_root, 4, **{
        'checkpoint_config.interval': 1,
        'checkpoint_config.max_keep_ckpts': -1}))
    run_tool(base + ['--resume-from', str(tmp_path / 'iter_1.pth')] +
             small_run_options(synthetic_root, 4, **{
                 'checkpoint_config.interval': 1,
                 'checkpoint_config.max_keep_ckpts': 1}))
    names = {p.name for p in tmp_path.glob('iter_*.pth')}
    assert names == {'iter_1.pth', 'iter_4.pth'}
    assert os.path.realpath(tmp_path / 'latest.pth') == str(
        tmp_path / 'iter_4.pth')
    assert (tmp_path / 'last_checkpoint').read_text() == str(
        tmp_path / 'iter_4.pth')
