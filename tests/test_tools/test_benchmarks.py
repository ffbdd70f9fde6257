"""The benchmark scripts run with tiny settings and report their figures."""

import pytest
import torch

from mmseg.utils.profiling import peak_memory_mib
from tests.conftest import REPO_ROOT
from tests.runs import load_tool

QUICK_CAC = ('configs/cac_hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
             'cityscapes_0.4_0.1_1.5.py')


def test_cac_loss_benchmark_reports_both_timings(capsys):
    report = load_tool('analysis/benchmark_cac_loss.py').main([
        '--batch', '1', '--classes', '5', '--size', '16', '32',
        '--label-size', '64', '128', '--feat-dim', '8', '--max-sample',
        '64', '--threshold', '10', '--warmup', '0', '--repeat', '1'])
    out = capsys.readouterr().out
    assert 'vectorised' in out and 'per-class loop' in out
    assert report['vectorised'] > 0 and report['speedup'] > 0
    assert report['vectorised_mib'] > 0 and report['loop_mib'] > 0


def test_cac_loss_benchmark_with_memory_reports_both_timings(capsys):
    report = load_tool('analysis/benchmark_cac_loss.py').main([
        '--batch', '1', '--classes', '5', '--size', '16', '32',
        '--label-size', '64', '128', '--feat-dim', '8', '--max-sample',
        '64', '--threshold', '10', '--warmup', '0', '--repeat', '1',
        '--memory-size', '7'])
    out = capsys.readouterr().out
    assert 'memory on' in out and 'memory off' in out
    assert report['memory_floats'] == 5 * 7 * (8 + 5)
    assert report['memory_on'] > 0 and report['ratio'] > 0
    assert report['memory_on_mib'] > report['memory_off_mib'] > 0


def test_training_benchmark_compares_with_the_derived_baseline(capsys):
    tool = load_tool('analysis/benchmark_train.py')
    report = tool.main([str(REPO_ROOT / QUICK_CAC), '--crop', '32', '32',
                        '--batch', '2', '--warmup', '0', '--iters', '1'])
    out = capsys.readouterr().out
    assert 'ratio' in out and report['ratio'] > 0
    assert report['config']['params'] > report['baseline']['params']
    assert report['config']['peak_mib'] > report['baseline']['peak_mib'] > 0


def test_training_benchmark_times_the_full_projection_too(capsys):
    tool = load_tool('analysis/benchmark_train.py')
    report = tool.main([str(REPO_ROOT / QUICK_CAC), '--crop', '32', '32',
                        '--batch', '2', '--warmup', '0', '--iters', '1',
                        '--full-projection'])
    assert '(full_proj / baseline)' in capsys.readouterr().out
    assert report['full_proj_ratio'] > 0
    assert report['full_proj']['params'] == report['config']['params']


def test_full_projection_runs_the_last_conv_on_the_whole_map():
    from mmengine.config import Config

    from mmseg.models import build_segmentor
    tool = load_tool('analysis/benchmark_train.py')
    cfg = Config.fromfile(REPO_ROOT / QUICK_CAC)
    shapes = {}
    for full in (False, True):
        model = build_segmentor(cfg.model).train()
        if full:
            tool.compute_full_projection(model)
        calls = []
        model.decode_head.proj[1].register_forward_hook(
            lambda module, args, out, sink=calls: sink.append(out.shape))
        img = torch.randn(2, 3, 64, 64)
        gt = torch.randint(0, 19, (2, 1, 64, 64))
        metas = [dict(img_shape=(64, 64, 3), ori_shape=(64, 64, 3),
                      pad_shape=(64, 64, 3), flip=False)] * 2
        model.forward_train(img, metas, gt)
        shapes[full] = calls
    assert shapes[False] == []  # pointwise at the anchors, no conv call
    assert shapes[True] == [torch.Size([2, 64, 16, 16])]


def test_baseline_of_a_cac_config_has_no_cac_parts():
    tool = load_tool('analysis/benchmark_train.py')
    head = dict(type='CACFCNHead', proj_channel=64, weight=1.5,
                loss_decode=[dict(type='CrossEntropyLoss'),
                             dict(type='CACLoss')])
    plain = tool.baseline_of(dict(decode_head=[dict(type='FCNHead'), head]))
    assert plain['decode_head'][1] == dict(
        type='FCNHead', loss_decode=[dict(type='CrossEntropyLoss')])


def test_fp16_training_benchmark_runs_bfloat16_on_cpu():
    tool = load_tool('analysis/benchmark_train.py')
    report = tool.main([str(REPO_ROOT / QUICK_CAC), '--fp16', '--crop', '32',
                        '32', '--batch', '2', '--warmup', '0', '--iters',
                        '1'])
    assert report['ratio'] > 0 and report['config']['seconds'] > 0


def test_cpu_peak_memory_counts_what_is_alive_together():

    def three_live_tensors():
        a = torch.ones(1 << 20)  # 4 MiB each
        b = a * 2
        del a  # freed: the peak stays at a + b
        c = b + 1
        return c.sum() + (c * 3).sum()  # c * 3: a third live tensor

    peak = peak_memory_mib(three_live_tensors, torch.device('cpu'))
    assert peak == pytest.approx(12, abs=0.01)


def test_training_benchmark_compares_speed_settings(capsys):
    tool = load_tool('analysis/benchmark_train.py')
    report = tool.main([str(REPO_ROOT / QUICK_CAC), '--crop', '32', '32',
                        '--batch', '2', '--warmup', '1', '--iters', '2',
                        '--settings', '--compile-backend', 'aot_eager'])
    out = capsys.readouterr().out
    assert set(report) == {'eager', 'channels_last', 'compiled'}
    for name, result in report.items():
        low, high = result['spread']
        assert 0 < low <= result['seconds'] <= high
        assert name in out
    assert report['eager']['speed_up'] == 1


def test_compare_028_without_an_environment_says_how_to_build_one(
        tmp_path):
    from mmseg.cli import UsageError
    tool = load_tool('analysis/benchmark_train.py')
    missing = tmp_path / 'no_env'
    with pytest.raises(UsageError) as error:
        tool.main([str(REPO_ROOT / QUICK_CAC), '--compare-028',
                   str(missing)])
    message = str(error.value)
    assert '\n' not in message
    assert str(missing / 'bin' / 'python') in message
    assert 'docs/benchmarks.md' in message


def test_compare_028_refuses_an_environment_that_is_not_028(capsys):
    import sys

    from mmseg.cli import UsageError
    tool = load_tool('analysis/benchmark_train.py')
    # this project's own venv: its mmseg is not 0.28.0 with mmcv 1.x
    with pytest.raises(UsageError, match='not mmseg 0.28.0 with mmcv 1.x'):
        tool.main([str(REPO_ROOT / QUICK_CAC), '--compare-028', sys.prefix,
                   '--crop', '32', '32'])


def test_model_for_028_is_plain_json_with_bn():
    import json
    tool = load_tool('analysis/benchmark_train.py')
    model = tool.model_for_028(dict(
        pretrained='open-mmlab://x', backbone=dict(
            norm_cfg=dict(type='SyncBN', requires_grad=True),
            channels=(18, 36)),
        decode_head=[dict(norm_cfg=dict(type='SyncBN'))]))
    assert json.loads(json.dumps(model)) == dict(
        pretrained=None,
        backbone=dict(norm_cfg=dict(type='BN', requires_grad=True),
                      channels=[18, 36]),
        decode_head=[dict(norm_cfg=dict(type='BN'))])


def test_training_benchmark_profile_writes_operator_and_function_tables(
        tmp_path):
    tool = load_tool('analysis/benchmark_train.py')
    out = tmp_path / 'profile.md'
    results = tool.main([str(REPO_ROOT / QUICK_CAC), '--crop', '32', '32',
                         '--batch', '2', '--profile', str(out)])
    assert set(results) == {'config', 'baseline'}
    text = out.read_text()
    assert text.count('ms per step under the profiler') == 2
    for result in results.values():
        ops = dict((name, ms) for name, _, ms in result['ops'])
        functions = dict(result['functions'])
        assert any(name.startswith('aten::') for name in ops)
        assert '(backward pass)' in functions
        assert any(name.startswith('mmseg/models/') for name in functions)
        assert sum(functions.values()) <= result['seconds'] * 1e3
    config_fns = dict(results['config']['functions'])
    assert any('cac' in name for name in config_fns)
