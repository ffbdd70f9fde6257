"""Every command of docs/cac_memory.md runs (on tiny synthetic settings)."""
import re
import shlex

import pytest

from tests.conftest import REPO_ROOT
from tests.runs import run_tool, small_run_options

pytestmark = pytest.mark.xdist_group('cac_memory_docs')

WORK_DIR = 'work_dirs/cac_memory_quick'
TINY_BENCHMARK = ['--batch', '1', '--classes', '5', '--size', '16', '32',
                  '--label-size', '64', '128', '--feat-dim', '8',
                  '--max-sample', '64', '--threshold', '10', '--warmup', '0',
                  '--repeat', '1', '--memory-size', '7']


def documented_commands() -> list:
    text = (REPO_ROOT / 'docs' / 'cac_memory.md').read_text()
    blocks = re.findall(r'```bash\n(.*?)```', text, flags=re.S)
    return [line for block in blocks for line in
            block.replace('\\\n', ' ').splitlines() if line.strip()]


def test_every_documented_command_runs(synthetic_root, tmp_path):
    commands = documented_commands()
    assert len(commands) == 6
    *local, w48 = commands
    assert 'dist_train.sh' in w48 and '_memory.py' in w48.split()[-2]
    trainings = 0
    for line in local:
        line = line.replace(WORK_DIR, str(tmp_path))
        args = shlex.split(line)
        if args[1] == 'tools/train.py':
            # the first run stops at 2 iterations, the resumed one goes on
            trainings += 1
            args += small_run_options(synthetic_root, 2 * trainings, **{
                'checkpoint_config.interval': 1,
                'custom_hooks.0.start_iter': 0})
        elif args[1] == 'tools/test.py':
            args += small_run_options(synthetic_root, 1)
        elif args[1].endswith('benchmark_cac_loss.py'):
            args += TINY_BENCHMARK
        result = run_tool(args)
        if args[1] == '-c':  # the memory of the resumed run is not empty
            counts = re.findall(r'\d+', result.stdout.split(':', 1)[1])
            assert sum(map(int, counts)) > 0, result.stdout
        if '--auto-resume' in args:  # continued from iteration 2
            assert 'resumed epoch: 0, iter: 2' in result.stdout + \
                result.stderr
    assert trainings == 2 and (tmp_path / 'iter_4.pth').exists()
