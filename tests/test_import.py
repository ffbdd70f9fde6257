import subprocess
import sys


def test_importing_the_package_prints_nothing():
    code = ('import mmseg, mmseg.models, mmseg.datasets, mmseg.apis, '
            'mmseg.engine, mmseg.core')
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '' and result.stderr == ''


def test_importing_mmseg_loads_no_subpackage():
    code = ('import sys, mmseg; print(" ".join(sorted(m for m in sys.modules'
            ' if m.split(".")[0] in ("mmseg", "torch", "mmengine"))))')
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # as in 0.28: the package root is cheap and inert (mmseg/__init__.py)
    assert result.stdout.split() == [
        'mmseg', 'mmseg.compat', 'mmseg.compat.finder', 'mmseg.version']


def test_the_0_28_names_of_the_root_are_served_lazily():
    import mmengine

    import mmseg
    assert mmseg.digit_version is mmengine.digit_version
    assert mmseg.__version__.startswith('0.28')
