"""Every command of README.md's ```bash blocks, as the README writes it.

Each command is either run here, in a sandbox folder, or listed in
``NOT_RUN`` with the reason; for those the script's own argument parser
reads the README's flags and the configs they name must load. Commands are
read from the README at test time, so an edited command is the tested one
and a new one fails until it is covered here.

Sandbox: ``tools`` and ``configs`` link to the repository and
``data/synthetic_cityscapes`` to the session's small synthetic data. The
README's quick start runs first, with ``DATA``, ``WORK_DIR`` (the sandbox's
``work_dirs/a``) and a 6-iteration ``CFG_OPTIONS``; a 2-iteration baseline
goes to ``work_dirs/b``. Placeholders stand for those runs: ``CONFIG`` and
``CAC_CONFIG`` are the quick-start config, ``CKPT`` / ``CAC_CKPT`` its
checkpoint, ``BASE_CONFIG`` / ``BASE_CKPT`` the baseline's.
"""
import glob
import os
import re
import shlex
import subprocess
import sys
from unittest import mock

import pytest

from mmseg.cli import load_config
from tests.conftest import REPO_ROOT
from tests.runs import (
    QUICK_CAC,
    free_port,
    load_tool,
    run_tool,
    small_run_options,
)

pytestmark = pytest.mark.xdist_group('readme')

QUICK_BASE = ('configs/hrnet/fcn_hr18tiny_2x4_192x192_500_synthetic_'
              'cityscapes_baseline.py')
PLACEHOLDERS = {
    'CONFIG': QUICK_CAC, 'CAC_CONFIG': QUICK_CAC, 'BASE_CONFIG': QUICK_BASE,
    'CKPT': 'work_dirs/a/latest.pth', 'CAC_CKPT': 'work_dirs/a/latest.pth',
    'BASE_CKPT': 'work_dirs/b/latest.pth'}
# the quick start, short: 6 iterations, logging / validation / checkpoint
# every 3 (the full run: 500, every 50 / 250 / 250)
SHORT = dict(max_iters=6, interval=3)
# (command prefix, why it cannot run here, what is checked instead)
NOT_RUN = [
    ('bash tools/run_tests.sh', 'the test suite itself', 'script'),
    ('python3 -m venv .venv', 'installs: tools/setup_env.sh does the same '
     'before every suite run', 'setup'),
    ('pip install -e .', 'installs: as above', 'setup'),
    ('CUDA_VISIBLE_DEVICES=0,1,2,3', '4 GPUs and the Cityscapes dataset '
     '(HRNet-W48 at 512x1024)', 'flags'),
    ('python tools/analysis/seed_report.py', '6 two-process trainings of '
     '500 iterations (about an hour here); tests/test_tools/'
     'test_seed_report.py runs the tool on tiny configs', 'flags'),
]


def strip_comment(line: str) -> str:
    """``line`` without its shell comment (a ``#`` outside quotes that
    starts a word)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in '"\'':
            quote = char
        elif char == '#' and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def readme_commands() -> list:
    """Commands of README.md's bash blocks: comments dropped, ``\\``
    continuations joined; a line starting with ``...`` continues the
    command before it (the README's "same, plus these flags"); a line
    ``NAME=value`` sets a shell variable that later commands of its block
    use, so it is expanded into them rather than listed."""
    text = (REPO_ROOT / 'README.md').read_text()
    commands = []
    for block in re.findall(r'^```bash\n(.*?)^```', text, re.M | re.S):
        pending, variables = '', {}
        for line in block.splitlines():
            code = strip_comment(line).strip()
            if code.endswith('\\'):
                pending += code[:-1] + ' '
                continue
            command = ' '.join((pending + code).split())
            pending = ''
            assignment = re.fullmatch(r'([A-Za-z_]\w*)=(\S+)', command)
            if assignment:
                variables[assignment.group(1)] = assignment.group(2)
                continue
            for name, value in variables.items():
                command = re.sub(r'\$\{' + name + r'\}|\$' + name + r'\b',
                                 value, command)
            if command.startswith('...'):
                command = f'{commands[-1]} {command[3:].strip()}'
            if command:
                commands.append(command)
    return commands


def substitute(command: str) -> str:
    return re.sub(r'\b(' + '|'.join(PLACEHOLDERS) + r')\b',
                  lambda m: PLACEHOLDERS[m.group(1)], command)


def not_run_entry(command: str):
    for entry in NOT_RUN:
        if command.startswith(entry[0]):
            return entry
    return None


def run_in(sandbox, command: str, env=None) -> subprocess.CompletedProcess:
    """``command`` through bash in ``sandbox``, this interpreter on PATH;
    stdout and stderr together, as a terminal shows them."""
    full_env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
    full_env['PATH'] = f'{os.path.dirname(sys.executable)}:{full_env["PATH"]}'
    result = subprocess.run(['bash', '-c', command], cwd=sandbox,
                            env=full_env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=900)
    assert result.returncode == 0, (
        f'{command} failed ({result.returncode}):\n{result.stdout[-3000:]}')
    return result


@pytest.fixture(scope='module')
def sandbox(synthetic_root, tmp_path_factory):
    """The sandbox, with the quick start and the baseline run done."""
    root = tmp_path_factory.mktemp('readme')
    for name in ('tools', 'configs'):
        os.symlink(REPO_ROOT / name, root / name)
    os.makedirs(root / 'data')
    os.symlink(synthetic_root, root / 'data' / 'synthetic_cityscapes')
    (quickstart, ) = [c for c in readme_commands()
                      if c.startswith('bash tools/quickstart.sh')]
    every = SHORT['interval']
    options = small_run_options(synthetic_root, SHORT['max_iters'], **{
        'log_config.interval': every, 'evaluation.interval': every,
        'checkpoint_config.interval': every,
        'custom_hooks.0.start_iter': 2})[1:]
    options = [o for o in options if '.data_root=' not in o]
    result = run_in(REPO_ROOT, quickstart, env=dict(
        DATA=str(synthetic_root), WORK_DIR=str(root / 'work_dirs' / 'a'),
        CFG_OPTIONS=' '.join(options), PORT=str(free_port()),
        VENV=sys.prefix))
    (root / 'quickstart.txt').write_text(result.stdout)
    run_tool(['python', 'tools/train.py', QUICK_BASE, '--work-dir',
              str(root / 'work_dirs' / 'b'), '--no-validate',
              *small_run_options(synthetic_root, 2)])
    # the Figures section reads seed 0 of the seed report's work root
    for run, config in (('a', QUICK_CAC), ('b', QUICK_BASE)):
        seed_dir = root / 'work_dirs' / 'seeds' / seed_report_name(config)
        os.makedirs(seed_dir)
        os.symlink(root / 'work_dirs' / run, seed_dir / 'seed_0')
    os.makedirs(root / 'fig')
    return root


def seed_report_name(config: str) -> str:
    """The folder ``seed_report.py`` gives a config under its work root."""
    return os.path.splitext(os.path.basename(config))[0]


def check_quickstart(sandbox, result) -> None:
    """At most ~120 lines for the full run, ending with the table and
    where the outputs are."""
    text = (sandbox / 'quickstart.txt').read_text()
    lines = text.rstrip('\n').split('\n')
    train_lines = [ln for ln in lines if re.search(r' iter +\d+/\d+ ', ln)]
    assert [re.search(r' iter +(\d+)/', ln).group(1)
            for ln in train_lines] == ['3', '6']  # at the interval only
    # the full run logs 500 / 50 = 10 lines where this one logs 2
    assert len(lines) - len(train_lines) + 10 <= 120, text
    assert 'checkpoint_config = ' not in text  # no config dump
    assert 'Hooks will be executed' not in text
    work_dir = sandbox / 'work_dirs' / 'a'
    assert lines[-1].startswith('quick start finished in '), text
    assert lines[-1].endswith(f'outputs in {work_dir}')
    assert re.fullmatch(f'metrics written to {work_dir}/eval_single_scale_'
                        r'\d{8}_\d{6}\.json', lines[-2]), text
    # the summary table: aAcc | mIoU | mAcc, then the numbers
    assert lines[-3].startswith('+--') and lines[-5].startswith('+--')
    assert re.fullmatch(r'\|\s+aAcc \|\s+mIoU \|\s+mAcc \|', lines[-6]), text
    assert re.fullmatch(r'\|[ .\d|]+\|', lines[-4]), text


def check_plot_curve(sandbox, result) -> None:
    (base_log, ) = glob.glob('work_dirs/b/*.log.json', root_dir=sandbox)
    assert result.stdout.splitlines() == [
        f'decode.loss_cac: not in {base_log}, skipped',
        f'mIoU: not in {base_log}, skipped', 'saved curves.png']
    assert (sandbox / 'curves.png').stat().st_size > 0


def check_embeddings(sandbox, result) -> None:
    for name in ('tsne', 'confidence_0'):
        assert f'saved fig/{name}.png' in result.stdout
        assert (sandbox / 'fig' / f'{name}.png').stat().st_size > 0


def check_figure_curves(sandbox, result) -> None:
    base = f'work_dirs/seeds/{seed_report_name(QUICK_BASE)}/seed_0'
    # the short baseline run has no validation and no CAC loss
    *notes, saved = result.stdout.splitlines()
    assert [note.split(':')[0] for note in notes] == ['decode.loss_cac',
                                                      'mIoU'], notes
    for note in notes:
        assert f': not in {base}/' in note and note.endswith(', skipped')
    assert saved == 'saved fig/quickstart_curves.png'
    assert (sandbox / 'fig' / 'quickstart_curves.png').stat().st_size > 0


def check_overview(sandbox, result) -> None:
    assert result.stdout.strip() == 'wrote fig/cac_overview.png'
    assert (sandbox / 'fig' / 'cac_overview.png').stat().st_size > 0


def check_cityscapes_eval(sandbox, result) -> None:
    images = (sandbox / 'data/synthetic_cityscapes/test.txt').read_text()
    pngs = list((sandbox / 'work_dirs' / 'val_label_ids').rglob('*.png'))
    assert len(pngs) == len(images.split()) > 0
    assert 'mIoU' in result.stdout


def check_show_dir(sandbox, result) -> None:
    images = (sandbox / 'data/synthetic_cityscapes/test.txt').read_text()
    pngs = list((sandbox / 'vis' / 'pred').rglob('*.png'))
    assert len(pngs) == len(images.split()) > 0


def check_print_config(sandbox, result) -> None:
    assert "type='CACFCNHead'" in result.stdout
    assert 'max_iters=500' in result.stdout


def check_get_flops(sandbox, result) -> None:
    assert 'backbone' in result.stdout and '512' in result.stdout


def check_benchmark(sandbox, result) -> None:
    assert re.search(r'whole inference on cpu: [\d.]+ img/s', result.stdout)


# what each command that runs here must have produced, by the start of
# the command (placeholders not yet substituted); the first match counts
CHECKS = [
    ('bash tools/quickstart.sh', check_quickstart),
    ('python tools/analyze_logs.py plot_curve work_dirs/a/', check_plot_curve),
    ('python tools/analyze_logs.py plot_curve work_dirs/seeds/',
     check_figure_curves),
    ('python tools/analysis/visualize_embeddings.py', check_embeddings),
    ('python tools/analysis/draw_overview.py', check_overview),
    ('python tools/test.py CONFIG CKPT --show-dir', check_show_dir),
    ('python tools/test.py CONFIG CKPT --eval mIoU cityscapes',
     check_cityscapes_eval),
    ('python tools/print_config.py', check_print_config),
    ('python tools/get_flops.py', check_get_flops),
    ('python tools/benchmark.py', check_benchmark),
]


def find_check(command: str):
    for prefix, check in CHECKS:
        if command.startswith(prefix):
            return check
    return None


def test_readme_commands_are_found():
    commands = readme_commands()
    assert 'bash tools/quickstart.sh' in commands
    # continuation lines joined, comments gone
    assert any(c.startswith('python tools/analyze_logs.py plot_curve ')
               and c.endswith('--out curves.png') for c in commands)
    assert not any('#' in c for c in commands)
    assert not any('${' in c for c in commands)  # variables expanded
    assert strip_comment('a "#b" c # d') == 'a "#b" c '


def command_id(command: str) -> str:
    """A short test id: the script the command runs."""
    scripts = re.findall(r'tools/(\S+)', command)
    return os.path.basename(scripts[0]) if scripts else command.split()[0]


@pytest.mark.parametrize('command', readme_commands(), ids=command_id)
def test_readme_command(command, request):
    entry = not_run_entry(command)
    if entry is not None:
        check_not_run(command, entry[2])
        return
    check = find_check(command)
    assert check is not None, (
        f'README command not covered: {command!r}; run it in '
        'tests/test_readme.py (add a check to CHECKS) or list it in NOT_RUN '
        'with the reason')
    sandbox = request.getfixturevalue('sandbox')
    if check is check_quickstart:  # the sandbox ran it already
        result = None
    else:
        result = run_in(sandbox, substitute(command))
    check(sandbox, result)


def check_not_run(command: str, check: str) -> None:
    """What can be checked of a command that cannot run here."""
    tokens = shlex.split(command)
    if check == 'setup':  # the README's install is what setup_env does
        setup = (REPO_ROOT / 'tools' / 'setup_env.sh').read_text()
        assert '-m venv "$venv"' in setup and 'pip install' in setup
        assert (REPO_ROOT / 'setup.py').is_file()
        return
    while re.fullmatch(r'[A-Z_]+=\S*', tokens[0]):  # VAR=value prefixes
        tokens.pop(0)
    script = REPO_ROOT / tokens[1]
    assert script.is_file(), f'{command}: no {script}'
    if check == 'script':
        return
    if tokens[1] == 'tools/dist_train.sh':  # CONFIG GPUS [train.py flags]
        tool, argv = 'train.py', [tokens[2], *tokens[4:]]
    elif tokens[1] == 'tools/dist_test.sh':  # CONFIG CKPT GPUS [flags]
        tool, argv = 'test.py', [tokens[2], tokens[3], *tokens[5:]]
    else:
        tool, argv = tokens[1][len('tools/'):], tokens[2:]
    with mock.patch.dict(os.environ):  # train.py sets LOCAL_RANK
        args = load_tool(tool).parse_args(argv)
    for config in (getattr(args, 'config', None),
                   getattr(args, 'baseline', None)):
        if config:  # strict --cfg-options: every key must exist
            load_config(str(REPO_ROOT / config),
                        getattr(args, 'cfg_options', []))
