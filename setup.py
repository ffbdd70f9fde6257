"""Install with ``pip install -e .`` (add ``[tests]`` for the test tools)."""
import os
import re
import sysconfig
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.editable_wheel import editable_wheel

HERE = Path(__file__).parent
# The toolbox relies on a few mmengine behaviours beyond its public hook API
# (docs/internals.md, "mmengine dependencies"); the guard tests in
# tests/test_engine/test_mmengine_guards.py passed on this range's newest
# release. Raise the bound only after running them on the new release.
MMENGINE = 'mmengine>=0.10.4,<=0.10.7'


def read_requirements(name: str) -> list:
    """Requirement lines of ``requirements/<name>.txt``, comments dropped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]


def runtime_requirements() -> list:
    """``requirements/runtime.txt`` with mmengine held to ``MMENGINE``."""
    reqs = read_requirements('runtime')
    pinned = [r for r in reqs if r.split('>')[0].split('<')[0] == 'mmengine']
    if pinned != [MMENGINE]:
        raise SystemExit(f'requirements/runtime.txt has {pinned}, setup.py '
                         f'pins {MMENGINE!r}: make them equal')
    return reqs


def read_version() -> str:
    text = (HERE / 'mmseg' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


# Runs mmseg/compat/finder.py (standard library only) at interpreter start,
# so that the mmcv 1.x names import even before mmseg (docs/compatibility.md).
# A data file at site-packages' path relative to the prefix: pip installs it
# there for `pip install .` and for `pip install -e .` alike.
PTH = 'mmseg_mmcv_names.pth'
SITE_PACKAGES = os.path.relpath(sysconfig.get_path('purelib'),
                                sysconfig.get_path('data'))


class EditableWheel(editable_wheel):
    """setuptools' editable wheel, installing ``data_files`` as the wheel
    does: setuptools asks the distribution for ``has_data``, a method it
    does not have (it has ``has_data_files``), so it would skip them.
    ``tests/test_compat/test_finder.py`` checks the installed file."""

    def _run_install(self, category: str):
        if category == 'data' and self.distribution.has_data_files():
            self.run_command('install_data')
            return
        super()._run_install(category)


setup(
    name='mmseg-cac',
    data_files=[(SITE_PACKAGES, [PTH])],
    cmdclass={'editable_wheel': EditableWheel},
    version=read_version(),
    description='CAC: Confidence-Aware Contrastive Learning for Semantic '
    'Segmentation, on an MMSegmentation 0.28 compatible toolbox',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    python_requires='>=3.8',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'tests.*',
                                    'docs')),
    include_package_data=True,
    install_requires=runtime_requirements(),
    extras_require={
        'tests': read_requirements('tests'),
        'optional': read_requirements('optional'),
        'deploy': read_requirements('deploy'),
        'all': (read_requirements('tests') + read_requirements('optional') +
                read_requirements('deploy')),
    },
    license='Apache License 2.0',
    zip_safe=False,
)
