"""Deployment tools on a briefly trained tiny CAC model: ONNX export and
ONNX Runtime evaluation, TorchScript tracing, the TorchServe archive and
handler, and publishing a checkpoint."""
import json
import sys
import types
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from mmseg.apis import inference_segmentor, init_segmentor
from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC, load_tool, run_tool, small_run_options

pytestmark = pytest.mark.xdist_group('deploy')
STREET = str(REPO_ROOT / 'tests' / 'data' / 'street.png')


def data_options(root) -> list:
    return ['--cfg-options'] + [f'data.{split}.data_root={root}'
                                for split in ('train', 'val', 'test')]


@pytest.fixture(scope='module')
def checkpoint(synthetic_root, tmp_path_factory) -> str:
    work_dir = tmp_path_factory.mktemp('deploy_train')
    run_tool(['python', 'tools/train.py', QUICK_CAC, '--work-dir',
              str(work_dir), '--no-validate',
              *small_run_options(synthetic_root, 2)])
    return str(work_dir / 'iter_2.pth')


def test_onnx_export_matches_and_deploy_test_reproduces_test_py(
        checkpoint, synthetic_root, tmp_path):
    onnx = pytest.importorskip('onnx')
    model_file = tmp_path / 'tiny.onnx'
    out = run_tool(['python', 'tools/pytorch2onnx.py', QUICK_CAC,
                    '--checkpoint', checkpoint, '--output-file',
                    str(model_file), '--shape', '64', '96',
                    '--dynamic-export', '--verify']).stdout
    assert 'verified 1x3x64x96' in out and 'verified 2x3x96x128' in out
    graph = onnx.load(str(model_file)).graph
    names = [init.name for init in graph.initializer]
    assert any('decode_head.conv_seg' in n for n in names)
    assert not [n for n in names if '.proj.' in n or 'weight_branch' in n]
    assert all(node.domain in ('', 'ai.onnx') for node in graph.node)

    run_tool(['python', 'tools/test.py', QUICK_CAC, checkpoint, '--eval',
              'mIoU', '--work-dir', str(tmp_path / 'torch'),
              *data_options(synthetic_root)])
    run_tool(['python', 'tools/deploy_test.py', QUICK_CAC, str(model_file),
              'onnxruntime', '--eval', 'mIoU', '--work-dir',
              str(tmp_path / 'ort'), *data_options(synthetic_root)])
    (torch_json, ) = (tmp_path / 'torch').glob('eval_single_scale_*.json')
    expected = json.loads(torch_json.read_text())['metric']
    got = json.loads((tmp_path / 'ort' / 'eval_onnxruntime.json')
                     .read_text())['metric']
    assert set(got) == set(expected)
    for key in ('aAcc', 'mIoU', 'mAcc', 'IoU.road'):
        assert got[key] == pytest.approx(expected[key], abs=1e-4), key


def test_static_export_refuses_other_sizes_and_slide_refuses_dynamic(
        checkpoint, synthetic_root, tmp_path):
    pytest.importorskip('onnxruntime')
    model_file = tmp_path / 'fixed.onnx'
    run_tool(['python', 'tools/pytorch2onnx.py', QUICK_CAC, '--checkpoint',
              checkpoint, '--output-file', str(model_file), '--shape', '64',
              '--verify'])
    result = run_tool(['python', 'tools/deploy_test.py', QUICK_CAC,
                       str(model_file), 'onnxruntime', '--eval', 'mIoU',
                       *data_options(synthetic_root)], check=False)
    assert result.returncode == 2
    assert 'exported for 64x64 inputs' in result.stderr
    assert '--dynamic-export' in result.stderr
    slide = ['--cfg-options', 'model.test_cfg.mode=slide',
             '+model.test_cfg.crop_size=(64,64)',
             '+model.test_cfg.stride=(48,48)']
    result = run_tool(['python', 'tools/pytorch2onnx.py', QUICK_CAC,
                       '--output-file', str(tmp_path / 'slide.onnx'),
                       '--dynamic-export', *slide], check=False)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and 'test_cfg.mode=whole' in last
    # a fixed size exports slide inference, windows and all
    out = run_tool(['python', 'tools/pytorch2onnx.py', QUICK_CAC,
                    '--output-file', str(tmp_path / 'slide.onnx'),
                    '--shape', '96', '128', '--verify', *slide]).stdout
    assert 'verified 1x3x96x128' in out


def test_tensorrt_backend_is_refused_with_the_reason(tmp_path):
    result = run_tool(['python', 'tools/deploy_test.py', QUICK_CAC,
                       str(tmp_path / 'm.onnx'), 'tensorrt', '--eval',
                       'mIoU'], check=False)
    assert result.returncode == 2 and 'NVIDIA GPU' in result.stderr


def test_missing_onnxruntime_names_the_extra(monkeypatch):
    from mmseg.apis.deploy import require_onnx
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[deploy\]"'):
        require_onnx('tools/pytorch2onnx.py')


def test_torchscript_trace_equals_the_eager_model(checkpoint, tmp_path):
    traced_file = tmp_path / 'tiny.pt'
    out = run_tool(['python', 'tools/pytorch2torchscript.py', QUICK_CAC,
                    '--checkpoint', checkpoint, '--output-file',
                    str(traced_file), '--shape', '64', '96',
                    '--verify']).stdout
    assert 'verified' in out
    from mmseg.apis.deploy import TestLogits
    model = TestLogits(init_segmentor(str(REPO_ROOT / QUICK_CAC),
                                      checkpoint))
    img = torch.randn(2, 3, 64, 96)
    with torch.no_grad():
        assert torch.equal(torch.jit.load(str(traced_file))(img),
                           model(img))


def test_torchserve_archive_and_handler(checkpoint, tmp_path):
    pytest.importorskip('model_archiver')
    pytest.importorskip('ts')
    run_tool(['python', 'tools/torchserve/mmseg2torchserve.py', QUICK_CAC,
              checkpoint, '--output-folder', str(tmp_path),
              '--model-name', 'tiny'])
    model_dir = tmp_path / 'unpacked'
    with zipfile.ZipFile(tmp_path / 'tiny.mar') as archive:
        archive.extractall(model_dir)
    assert {'iter_2.pth', 'config.py', 'mmseg_handler.py'} <= {
        p.name for p in model_dir.iterdir()}
    again = run_tool(['python', 'tools/torchserve/mmseg2torchserve.py',
                      QUICK_CAC, checkpoint, '--output-folder',
                      str(tmp_path), '--model-name', 'tiny'], check=False)
    assert again.returncode == 2 and '--force' in again.stderr

    handler = load_tool('torchserve/mmseg_handler.py').MMsegHandler()
    handler.initialize(types.SimpleNamespace(
        system_properties=dict(model_dir=str(model_dir), gpu_id=None),
        manifest=dict(model=dict(serializedFile='iter_2.pth'))))
    image = Path(STREET).read_bytes()
    (png, ) = handler.postprocess(handler.inference(
        handler.preprocess([dict(data=image)])))
    label = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    model = init_segmentor(str(model_dir / 'config.py'),
                           str(model_dir / 'iter_2.pth'))
    np.testing.assert_array_equal(label, inference_segmentor(model,
                                                             STREET)[0])


def test_publish_model_drops_training_state(checkpoint, tmp_path):
    out = run_tool(['python', 'tools/publish_model.py', checkpoint,
                    str(tmp_path / 'tiny_cac.pth')]).stdout
    (published, ) = tmp_path.glob('tiny_cac-*.pth')
    assert f'wrote {published}' in out
    tool = load_tool('publish_model.py')
    assert published.stem.split('-')[-1] == tool.sha256(published)[:8]
    original = torch.load(checkpoint, weights_only=True)
    assert 'optimizer' in original
    kept = torch.load(published, weights_only=True)
    assert 'optimizer' not in kept and 'message_hub' not in kept
    assert kept['state_dict'].keys() == original['state_dict'].keys()
    init_segmentor(str(REPO_ROOT / QUICK_CAC), str(published))
