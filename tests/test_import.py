import subprocess
import sys


def test_importing_the_package_prints_nothing():
    code = ('import mmseg, mmseg.models, mmseg.datasets, mmseg.apis, '
            'mmseg.engine, mmseg.core')
    result = subprocess.run([sys.executable, '-c', code],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '' and result.stderr == ''
