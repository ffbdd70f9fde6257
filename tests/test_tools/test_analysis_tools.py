"""Plots, embeddings, FLOPs, config printing, inference benchmark."""
import glob
import json
import os
import shutil

import mmcv
import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from mmseg.apis import inference_segmentor, init_segmentor
from mmseg.cli import UsageError
from mmseg.datasets import CityscapesDataset
from mmseg.models import build_segmentor
from tests.conftest import REPO_ROOT
from tests.helpers import read_show_figure
from tests.runs import QUICK_CAC, load_tool, run_tool, small_run_options

# one worker runs the whole module, so the trained runs are made once
pytestmark = pytest.mark.xdist_group('analysis_tools')

QUICK_BASE = ('configs/hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
              'cityscapes_baseline.py')


@pytest.fixture(scope='module')
def runs(synthetic_root, tmp_path_factory):
    """3-iteration CAC and baseline runs: work dirs by name."""
    dirs = {}
    for name, config in (('cac', QUICK_CAC), ('base', QUICK_BASE)):
        work_dir = tmp_path_factory.mktemp(name)
        run_tool(['python', 'tools/train.py', config, '--work-dir',
                  str(work_dir), '--no-validate',
                  *small_run_options(synthetic_root, 3)])
        dirs[name] = work_dir
    return dirs


def data_options(root):
    return {f'data.{s}.data_root': str(root)
            for s in ('train', 'val', 'test')}


def assert_png(path, min_size=(100, 100)):
    with Image.open(path) as image:
        assert image.format == 'PNG'
        assert image.size[0] >= min_size[0] and image.size[1] >= min_size[1]


def records(path, mode='train'):
    with open(path) as f:
        return [r for r in map(json.loads, f)
                if r.get('mode') == mode]


def run_log(work_dir) -> str:
    (path, ) = glob.glob(str(work_dir / '*.log.json'))
    return path


def test_plot_curve_one_legend_entry_per_run(runs, tmp_path):
    logs = [run_log(runs[n]) for n in ('cac', 'base')]
    tool = load_tool('analyze_logs.py')
    result = tool.main(['plot_curve', *logs, '--keys', 'decode.loss_ce',
                        '--legend', 'CAC', 'baseline', '--title', 'loss',
                        '--out', str(tmp_path / 'curves.png')])
    assert_png(result['out'])
    assert [c['label'] for c in result['curves']] == ['CAC', 'baseline']
    for line, log in zip(result['curves'], logs):
        assert line['iters'] == [1, 2, 3]
        assert line['values'] == [r['decode.loss_ce'] for r in records(log)]
    # several keys: one curve per run and key, the legend still per run
    result = tool.plot_curve(logs, ['decode.loss_ce', 'loss'],
                             ['CAC', 'baseline'], out=str(tmp_path / 'k.png'))
    assert [c['label'] for c in result['curves']] == [
        'CAC: decode.loss_ce', 'baseline: decode.loss_ce', 'CAC: loss',
        'baseline: loss']
    with pytest.raises(UsageError, match='--legend needs 2 entries, one '
                       'per run .*; got 4'):
        tool.plot_curve(logs, ['decode.loss_ce', 'loss'],
                        ['a', 'b', 'c', 'd'], out=str(tmp_path / 'x.png'))


def test_plot_curve_skips_a_key_some_runs_lack(runs, tmp_path, capsys):
    cac, base = (run_log(runs[n]) for n in ('cac', 'base'))
    tool = load_tool('analyze_logs.py')
    result = tool.plot_curve([cac, base], ['decode.loss_cac', 'loss'],
                             ['cac', 'base'], out=str(tmp_path / 'c.png'))
    assert [c['label'] for c in result['curves']] == [
        'cac: decode.loss_cac', 'cac: loss', 'base: loss']
    assert capsys.readouterr().out == (
        f'decode.loss_cac: not in {base}, skipped\n')
    with pytest.raises(UsageError, match="no log has key 'decode.loss_cac'; "
                       'did you mean decode.loss_ce'):
        tool.plot_curve([base], ['decode.loss_cac'],
                        out=str(tmp_path / 'x.png'))
    with pytest.raises(UsageError, match='log file not found'):
        tool.load_log(str(tmp_path / 'missing.json'))


def test_plot_curve_joins_the_logs_of_a_resumed_run(runs, synthetic_root,
                                                    tmp_path, capsys):
    """A run resumed in its work dir: two logs, the first without mIoU."""
    work_dir = tmp_path / 'resumed'
    shutil.copytree(runs['cac'], work_dir)
    (first, ) = glob.glob(str(work_dir / '*.log.json'))
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(work_dir), '--resume-from', str(work_dir / 'iter_3.pth'),
              *small_run_options(synthetic_root, 5)])
    (second, ) = set(glob.glob(str(work_dir / '*.log.json'))) - {first}
    assert os.path.basename(first) < os.path.basename(second)
    assert records(first, 'val') == []
    tool = load_tool('analyze_logs.py')
    # given newest first: still joined oldest first, as one run
    result = tool.main(['plot_curve', second, first, '--keys', 'loss',
                        'mIoU', '--legend', 'cac',
                        '--out', str(tmp_path / 'resumed.png')])
    loss, miou = result['curves']
    assert (loss['label'], miou['label']) == ('cac: loss', 'cac: mIoU')
    assert loss['logs'] == miou['logs'] == [first, second]
    assert loss['iters'] == [1, 2, 3, 4, 5]
    assert loss['values'] == [r['loss'] for r in records(first)
                              + records(second)]
    (val, ) = records(second, 'val')
    assert miou['iters'] == [5] and miou['values'] == [val['mIoU']]
    assert capsys.readouterr().out.strip().endswith('resumed.png')


def test_join_logs_replaces_what_the_resumed_run_recomputed(tmp_path):
    """Resumed from iteration 2 after logging 4: 3 and 4 come from the
    second log, as do the runs' validations from iteration 3 on."""
    def write(name, rows):
        with open(tmp_path / name, 'w') as f:
            f.write(json.dumps(dict(exp_name='x', seed=0)) + '\n')
            for mode, it, value in rows:
                f.write(json.dumps(dict(mode=mode, iter=it, loss=value,
                                        mIoU=value)) + '\n')
    write('20260101_000000.log.json',
          [('train', 1, 1.0), ('train', 2, 2.0), ('val', 2, 0.2),
           ('train', 3, 3.0), ('train', 4, 4.0), ('val', 4, 0.4)])
    write('20260101_010000.log.json',
          [('train', 3, 30.0), ('train', 4, 40.0), ('val', 4, 0.04),
           ('train', 5, 50.0)])
    tool = load_tool('analyze_logs.py')
    logs = sorted(glob.glob(str(tmp_path / '*.log.json')))
    assert tool.group_runs(logs[::-1]) == [logs]
    joined = tool.join_logs(logs)
    assert [(r['iter'], r['loss']) for r in joined['train']] == [
        (1, 1.0), (2, 2.0), (3, 30.0), (4, 40.0), (5, 50.0)]
    assert [(r['iter'], r['mIoU']) for r in joined['val']] == [
        (2, 0.2), (4, 0.04)]


def test_tsne_and_confidence_map(runs, synthetic_root, tmp_path,
                                 monkeypatch, capsys):
    tool = load_tool('analysis/visualize_embeddings.py')
    monkeypatch.chdir(REPO_ROOT)
    config = str(tmp_path / 'cac.py')
    base_config = str(tmp_path / 'base.py')
    for src, dst in ((QUICK_CAC, config), (QUICK_BASE, base_config)):
        cfg = Config.fromfile(src)
        cfg.merge_from_dict(data_options(synthetic_root))
        cfg.dump(dst)
    written = tool.main([config, str(runs['cac'] / 'iter_3.pth'),
                         base_config, str(runs['base'] / 'iter_3.pth'),
                         '--num-images', '2', '--per-class', '20',
                         '--confidence-map', '1',
                         '--out-dir', str(tmp_path / 'vis')])
    assert_png(written['tsne'], (400, 200))
    assert_png(written['confidence_1'], (400, 100))
    for counts in written['counts'].values():
        assert counts.sum() > 0 and counts.max() <= 2 * 20  # 2 images
    progress = [line for line in capsys.readouterr().out.splitlines()
                if line.startswith(('features:', 't-SNE', 'saved'))]
    assert progress == [
        'features: 1/2 images', 'features: 2/2 images',
        *(f't-SNE on {counts.sum()} points ({name}) ...'
          for name, counts in written['counts'].items()),
        f"saved {written['tsne']}", f"saved {written['confidence_1']}"]


def test_show_dir_draws_titled_panels_and_a_legend(runs, synthetic_root,
                                                    tmp_path):
    out = tmp_path / 'vis' / 'pred'
    result = run_tool(['python', 'tools/test.py', QUICK_CAC,
                       str(runs['cac'] / 'iter_3.pth'), '--show-dir',
                       str(out), '--opacity', '1', '--work-dir',
                       str(tmp_path / 'work'),
                       *small_run_options(synthetic_root, 3)])
    assert (result.stdout + result.stderr).count(
        f'wrote 4 images to {out}') == 1
    val = CityscapesDataset(pipeline=[], data_root=str(synthetic_root),
                            img_dir='leftImg8bit/val', ann_dir='gtFine/val')
    palette = np.array(val.PALETTE)
    for index, info in enumerate(val.img_infos):
        figure = np.array(Image.open(out / info['filename']))  # RGB
        gt = val.get_gt_seg_map_by_idx(index)
        parts = read_show_figure(figure, gt, palette)
        assert figure.shape[1] == 2 * gt.shape[1]
        # at opacity 1 the prediction panel holds palette colours only
        pred_colors = np.unique(parts['panels'][0].reshape(-1, 3), axis=0)
        assert all((palette == c).all(axis=1).any() for c in pred_colors)
        shown = {tuple(c) for c in pred_colors.tolist()} | {
            tuple(palette[c]) for c in np.unique(gt[gt != 255])}
        assert parts['legend_colors'] == shown


def table_columns(text: str) -> set:
    """Positions of the column separators of every table row."""
    rows = [line for line in text.splitlines()
            if line.startswith(('|', '+'))]
    assert len(rows) > 5
    return {tuple(i for i, ch in enumerate(row) if ch in '|+')
            for row in rows}


def test_get_flops_and_print_config(capsys):
    tool = load_tool('get_flops.py')
    flops = tool.main([str(REPO_ROOT / QUICK_CAC), '--shape', '64', '128'])
    out = capsys.readouterr().out
    cfg = Config.fromfile(REPO_ROOT / QUICK_CAC)
    model = build_segmentor(cfg.model)
    assert flops['params'] == sum(p.numel() for p in model.parameters())
    assert flops['flops'] > 0 and 'backbone' in flops['table']
    assert len(table_columns(out)) == 1  # every row's columns line up
    assert '  decode_head.proj ' in out and 'segmentor' not in out
    base = tool.main([str(REPO_ROOT / QUICK_BASE), '--shape', '64', '128',
                      '--depth', '1'])
    base_out = capsys.readouterr().out
    assert len(table_columns(base_out)) == 1
    # the CAC branches: parameters in the table, no FLOPs at inference
    assert set(flops['branches']) == {'decode_head.proj',
                                      'decode_head.weight_branch'}
    assert all(f == 0 for _, f in flops['branches'].values())
    assert base['flops'] == flops['flops']
    branch_params = sum(p for p, _ in flops['branches'].values())
    assert base['params'] == flops['params'] - branch_params
    (note, ) = [line for line in out.splitlines() if 'note:' in line]
    assert "CAC's training branches (decode_head.proj, " in note
    assert '0 FLOPs counted' in note and 'cost nothing there' in note
    assert f'model has {base["params"] / 1e6:.3f} M parameters' in note
    assert 'note:' not in base_out and base['branches'] == {}
    text = load_tool('print_config.py').main([
        str(REPO_ROOT / QUICK_CAC), '--cfg-options', 'optimizer.lr=0.123'])
    assert 'lr=0.123' in text and 'CACFCNHead' in text


@pytest.mark.parametrize('mode', ['whole', 'slide', 'aug'])
def test_inference_benchmark(mode, synthetic_root, capsys):
    options = [f'{k}={v}' for k, v in data_options(synthetic_root).items()]
    report = load_tool('benchmark.py').main([
        str(REPO_ROOT / QUICK_CAC), '--random-init', '--mode', mode,
        '--num-images', '3', '--cfg-options', *options,
        'data.test.pipeline.1.img_scale=(256,128)'])
    assert report['mode'] == mode and report['fps'][0] > 0
    # 3 images: 2 warm up, 1 is timed (a set of 3 keeps one to time)
    assert (report['timed'], report['warmup']) == (1, 2)
    line = f'{report["fps"][0]:.2f} img/s over 1 image, after 2 images of ' \
        'warm-up'
    assert line in capsys.readouterr().out


def test_inference_benchmark_counts_the_timed_images(synthetic_root,
                                                     capsys):
    options = [f'{k}={v}' for k, v in data_options(synthetic_root).items()]
    report = load_tool('benchmark.py').main([
        str(REPO_ROOT / QUICK_CAC), '--random-init', '--num-images', '100',
        '--cfg-options', *options, 'data.test.img_dir=leftImg8bit/train',
        'data.test.ann_dir=gtFine/train',
        'data.test.pipeline.1.img_scale=(128,64)'])
    # all 8 training images, as fewer than 100: 5 warm up, 3 are timed
    assert (report['timed'], report['warmup']) == (3, 5)
    assert 'over 3 images, after 5 images of warm-up' in \
        capsys.readouterr().out


def test_fp16_inference_benchmark_compares_with_fp32(synthetic_root):
    options = [f'{k}={v}' for k, v in data_options(synthetic_root).items()]
    report = load_tool('benchmark.py').main([
        str(REPO_ROOT / QUICK_CAC), '--random-init', '--fp16',
        '--compare-fp32', '--num-images', '2', '--cfg-options', *options,
        'data.test.pipeline.1.img_scale=(256,128)'])
    assert report['fps'][0] > 0 and report['fps32'] > 0
    assert 0 <= report['miou_fp16'] <= 1 and 0 <= report['miou_fp32'] <= 1


def test_inference_api_on_files_and_arrays(runs, synthetic_root):
    model = init_segmentor(str(REPO_ROOT / QUICK_CAC),
                           str(runs['cac'] / 'iter_3.pth'))
    image = sorted(glob.glob(str(
        synthetic_root / 'leftImg8bit/val/*/*.png')))[0]
    from_file = inference_segmentor(model, image)[0]
    from_array = inference_segmentor(model, [mmcv.imread(image)])[0]
    assert from_file.shape == (128, 256)
    np.testing.assert_array_equal(from_file, from_array)
