"""The real tools, end to end, on tiny synthetic Cityscapes data."""
import glob
import os

import mmengine
import pytest
import torch

from tests.runs import (
    QUICK_CAC,
    free_port,
    json_log,
    run_tool,
    small_run_options,
)

# one worker runs the module, so its module fixture is made once
pytestmark = pytest.mark.xdist_group('end_to_end')


@pytest.fixture(scope='module')
def dist_run(synthetic_root, tmp_path_factory):
    """2 gloo processes: 6 iterations, checkpoint every 3, validation at 6."""
    work_dir = tmp_path_factory.mktemp('dist_train')
    result = run_tool(
        ['bash', 'tools/dist_train.sh', QUICK_CAC, '2', '--work-dir',
         str(work_dir), '--seed', '0',
              *small_run_options(
                  synthetic_root, 6, **{
                      'evaluation.interval': 6,
                      'checkpoint_config.interval': 3,
                      'custom_hooks.0.start_iter': 2})],
             env=dict(PORT=str(free_port())))
    (work_dir / 'console.txt').write_text(result.stdout + result.stderr)
    return work_dir


def check_console(text: str, budget: int) -> None:
    """What a person reads: short, no dumps, each warning once."""
    lines = text.split('\n')  # a bar redraws itself with \r: one line
    assert len(lines) <= budget, text
    assert 'Hooks will be executed' not in text
    assert 'checkpoint_config = ' not in text  # the config is not dumped
    assert 'GPU number' not in text
    warnings = [ln for ln in lines if 'Warning:' in ln]
    assert len(warnings) == len(set(warnings)), warnings
    # a progress bar ends its line before the next log line starts
    assert not any('task/s' in ln and ' - mmengine - ' in ln
                   for ln in lines), text


def test_dist_train_console_is_short(dist_run):
    text = (dist_run / 'console.txt').read_text()
    check_console(text, 120)
    assert 'iter 6/6  loss ' in text and 'eta 0:00:00' in text
    assert 'config written to' in text


def test_dist_train_writes_logs_and_checkpoints(dist_run):
    files = set(os.listdir(dist_run))
    assert {'iter_3.pth', 'iter_6.pth', 'latest.pth', 'last_checkpoint',
            'best_mIoU_iter_6.pth', os.path.basename(QUICK_CAC)} <= files
    assert os.path.realpath(dist_run / 'latest.pth') == str(
        dist_run / 'iter_6.pth')
    assert len(glob.glob(str(dist_run / '*.log'))) == 1
    records = json_log(dist_run)
    train = [r for r in records if r.get('mode') == 'train']
    assert [r['iter'] for r in train] == [1, 2, 3, 4, 5, 6]
    for rec in train:
        assert {'lr', 'loss', 'decode.loss_ce', 'decode.loss_ce_weight',
                'decode.loss_cac', 'decode.acc_seg_weight'} <= set(rec)
    # warm-up covers iterations 0..2 (logged as 1..3)
    assert all(r['decode.loss_cac'] == 0 for r in train[:3])
    assert all(r['decode.loss_cac'] > 0 for r in train[3:])
    (val, ) = [r for r in records if r.get('mode') == 'val']
    assert val['iter'] == 6 and 0 <= val['mIoU'] <= 1
    assert 'IoU.road' in val and 'aAcc' in val
    checkpoint = torch.load(dist_run / 'iter_6.pth', weights_only=False)
    assert checkpoint['meta']['iter'] == 6
    assert checkpoint['meta']['CLASSES'][0] == 'road'


def test_dist_test_matches_validation_and_keeps_dataset_order(
        dist_run, synthetic_root, tmp_path):
    out = tmp_path / 'preds.pkl'
    cfg = small_run_options(synthetic_root, 6)
    result = run_tool(['bash', 'tools/dist_test.sh', QUICK_CAC,
                       str(dist_run / 'latest.pth'), '2', '--eval', 'mIoU',
                       '--work-dir', str(tmp_path), '--out', str(out),
                       *cfg], env=dict(PORT=str(free_port())))
    check_console(result.stdout + result.stderr, 80)
    assert 'aAcc | mIoU' in result.stdout + result.stderr
    (eval_file, ) = glob.glob(str(tmp_path / 'eval_single_scale_*.json'))
    result = mmengine.load(eval_file)
    (val, ) = [r for r in json_log(dist_run) if r.get('mode') == 'val']
    assert result['metric']['mIoU'] == pytest.approx(val['mIoU'])
    preds = mmengine.load(out)
    # the same checkpoint in one process gives the same list, in order
    single = tmp_path / 'single.pkl'
    run_tool(['python', 'tools/test.py', QUICK_CAC,
              str(dist_run / 'latest.pth'), '--out', str(single),
              '--work-dir', str(tmp_path), *cfg])
    expected = mmengine.load(single)
    assert len(preds) == len(expected) == 4
    for got, want in zip(preds, expected):
        assert (got == want).all()


def test_cac_warmup_survives_a_resume(synthetic_root, tmp_path):
    """loss_cac is 0 up to start_iter and on after it, resumed or not."""
    options = small_run_options(synthetic_root, 5, **{
        'checkpoint_config.interval': 2,
        'checkpoint_config.max_keep_ckpts': -1,
        'custom_hooks.0.start_iter': 2})
    first, resumed = tmp_path / 'first', tmp_path / 'resumed'
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(first), '--no-validate', '--seed', '0', '--deterministic',
              *options])
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(resumed), '--no-validate', '--seed', '0',
              '--deterministic', '--resume-from', str(first / 'iter_2.pth'),
              *options])
    first_log = {r['iter']: r for r in json_log(first) if 'iter' in r}
    resumed_log = {r['iter']: r for r in json_log(resumed) if 'iter' in r}
    assert sorted(resumed_log) == [3, 4, 5]
    for log in (first_log, resumed_log):
        assert log[3]['decode.loss_cac'] == 0
        assert log[4]['decode.loss_cac'] > 0 and log[5]['decode.loss_cac'] > 0
    for it in (3, 4, 5):
        assert resumed_log[it]['loss'] == pytest.approx(
            first_log[it]['loss'], rel=1e-5)


def event_scalars(work_dir):
    """The TensorBoard scalars of a run, from ``<timestamp>/vis_data``
    (the timestamp of its JSON log), as the README says."""
    from tensorboard.backend.event_processing.event_accumulator import (
        EventAccumulator,
    )
    (log, ) = glob.glob(os.path.join(work_dir, '*.log.json'))
    timestamp = os.path.basename(log)[:-len('.log.json')]
    (events, ) = glob.glob(os.path.join(work_dir, timestamp, 'vis_data',
                                        'events.out.tfevents.*'))
    acc = EventAccumulator(events)
    acc.Reload()
    return acc


def test_validation_scalars_reach_tensorboard_at_their_iteration(dist_run):
    (val, ) = [r for r in json_log(dist_run) if r.get('mode') == 'val']
    acc = event_scalars(dist_run)
    for key in ('mIoU', 'aAcc', 'IoU.road', 'Acc.car'):
        (event, ) = acc.Scalars(key)
        assert event.step == val['iter'] == 6
        assert event.value == pytest.approx(val[key], rel=1e-6)
    # training scalars: one per logged iteration, at that iteration
    assert [e.step for e in acc.Scalars('loss')] == [1, 2, 3, 4, 5, 6]


def test_cac_diagnostics_reach_the_json_log_and_tensorboard(dist_run):
    train = [r for r in json_log(dist_run) if r.get('mode') == 'train']
    keys = [f'decode.cac_{k}' for k in ('classes', 'anchors', 'anchors_min',
                                        'anchors_mean', 'hard_share',
                                        'n_view', 'short_share',
                                        'pos_weight', 'neg_weight')]
    for rec in train[:3]:  # warm-up: the loss takes no anchors
        assert [rec[k] for k in keys] == [0] * len(keys)
    for rec in train[3:]:
        assert rec['decode.cac_anchors'] >= rec['decode.cac_classes'] >= 1
        assert 0 <= rec['decode.cac_hard_share'] <= 1
    acc = event_scalars(dist_run)
    anchors = {e.step: e.value for e in acc.Scalars('decode.cac_anchors')}
    assert anchors == pytest.approx(
        {r['iter']: r['decode.cac_anchors'] for r in train})


def test_analyze_logs_plots_the_diagnostics(dist_run, tmp_path):
    """The command of docs/diagnostics.md, on this run's log."""
    out = tmp_path / 'cac_diagnostics.png'
    run_tool(['python', 'tools/analyze_logs.py', 'plot_curve',
              *glob.glob(str(dist_run / '*.log.json')), '--keys',
              'decode.cac_hard_share', 'decode.cac_pos_weight',
              'decode.cac_neg_weight', '--out', str(out)])
    assert out.stat().st_size > 0
