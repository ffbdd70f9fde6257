"""``mmseg/compat/finder.py`` and the ``.pth`` file that installs it."""
import json
import shutil
import site
import subprocess
import sys
import zipfile

from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC

PTH = 'mmseg_mmcv_names.pth'


def run_python(code: str, site_dir=None, timeout=300):
    """``code`` in a fresh interpreter that finds this checkout's mmseg;
    with ``site_dir`` holding the repository's ``.pth``, as an installed
    package has it in site-packages. The interpreter's own site-packages
    are on the path without their ``.pth`` files (``-S``), so an installed
    copy of the ``.pth`` does not count."""
    prefix = ('import site, sys; '
              f'sys.path.extend({site.getsitepackages()!r})\n')
    if site_dir is not None:
        shutil.copy(REPO_ROOT / PTH, site_dir / PTH)
        prefix += f'site.addsitedir({str(site_dir)!r})\n'
    env = {'PYTHONPATH': str(REPO_ROOT), 'OMP_NUM_THREADS': '1',
           'PATH': '/usr/bin:/bin'}
    result = subprocess.run([sys.executable, '-S', '-c', prefix + code],
                            cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_without_the_pth_mmcv_runner_needs_mmseg_first(tmp_path):
    code = ('try:\n    import mmcv.runner\nexcept ImportError:\n'
            '    print("missing")\n'
            'import mmseg\nfrom mmcv.runner import get_dist_info\n'
            'print(get_dist_info())')
    assert run_python(code).stdout.split() == ['missing', '(0,', '1)']


def test_the_pth_serves_mmcv_1x_names_before_mmseg_without_importing_it(
        tmp_path):
    code = '\n'.join([
        'import sys',
        'from mmcv.runner import get_dist_info, init_dist, force_fp32',
        'from mmcv.utils import Config, DictAction, get_logger',
        'from mmcv.utils.parrots_wrapper import _BatchNorm',
        'from mmcv.cnn.utils import revert_sync_batchnorm',
        'import mmcv, mmengine, torch',
        'assert mmcv.Config is mmengine.Config',
        'assert _BatchNorm is torch.nn.modules.batchnorm._BatchNorm',
        'print(sorted(m for m in sys.modules if m.split(".")[:2] in ('
        '[["mmseg", p] for p in ("core", "datasets", "models", "engine",'
        ' "apis")])))',
    ])
    # the names used load only what they need (init_dist: mmseg.utils)
    assert run_python(code, site_dir=tmp_path).stdout.split() == ['[]']


def test_attached_names_leave_what_mmcv_defines(tmp_path):
    code = '\n'.join([
        'import mmcv.cnn, mmcv.utils',
        'from mmcv.cnn.bricks.conv_module import ConvModule',
        'assert mmcv.cnn.ConvModule is ConvModule',
        'assert "kaiming_init" not in vars(mmcv.cnn)',  # served lazily
        'from mmcv.cnn import kaiming_init',
        'assert "kaiming_init" in vars(mmcv.cnn)',
        'try:\n    mmcv.utils.no_such_name\nexcept AttributeError as e:\n'
        '    print(e)',
    ])
    out = run_python(code, site_dir=tmp_path).stdout.strip()
    assert out == "module 'mmcv.utils' has no attribute 'no_such_name'"


def test_a_028_style_script_trains_and_tests_without_importing_mmseg_first(
        tmp_path, synthetic_root):
    script = REPO_ROOT / 'tests' / 'data' / 'scripts' / 'train_028_style.py'
    site_dir = tmp_path / 'site'
    site_dir.mkdir()
    code = (f'import runpy, sys\nsys.argv = {[str(script), QUICK_CAC]!r} + '
            f'[{str(synthetic_root)!r}, {str(tmp_path / "work")!r}]\n'
            f'runpy.run_path({str(script)!r}, run_name="__main__")')
    out = run_python(code, site_dir=site_dir, timeout=600).stdout
    report = json.loads(out.strip().splitlines()[-1])
    assert 0.0 <= report['mIoU'] <= 1.0 and report['rank'] == [0, 1]
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()


def test_the_editable_install_puts_the_pth_into_site_packages(tmp_path):
    code = ('import sys; from setuptools import build_meta; '
            f'print(build_meta.build_editable({str(tmp_path)!r}))')
    name = run_python(code).stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(tmp_path / name) as wheel:
        names = wheel.namelist()
        data = [n for n in names if n.endswith('/' + PTH)]
        assert len(data) == 1, names
        # <dist>.data/data/<site-packages relative to the prefix>/<pth>
        assert '.data/data/lib/' in data[0]
        assert 'site-packages' in data[0]
        assert wheel.read(data[0]) == (REPO_ROOT / PTH).read_bytes()
