"""Every command of docs/deployment.md is one its tool accepts: the tool's
own argument parser reads it, with CONFIG and CKPT standing for a tiny
config and a checkpoint path. The tools run in test_deploy.py and
test_everyday_tools.py."""
import re
import shlex

import pytest

from tests.conftest import REPO_ROOT
from tests.runs import QUICK_CAC, load_tool

DOC = REPO_ROOT / 'docs' / 'deployment.md'


def doc_commands() -> list:
    blocks = re.findall(r'```bash\n(.*?)```', DOC.read_text(), re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.startswith('python ')]


def test_the_page_shows_every_new_tool():
    scripts = {shlex.split(c)[1] for c in doc_commands()}
    assert scripts == {
        'tools/pytorch2onnx.py', 'tools/deploy_test.py',
        'tools/pytorch2torchscript.py', 'tools/torchserve/mmseg2torchserve.py',
        'tools/publish_model.py', 'tools/browse_dataset.py', 'tools/test.py',
        'tools/confusion_matrix.py', 'demo/image_demo.py',
        'demo/video_demo.py'}


@pytest.mark.parametrize('command', doc_commands())
def test_command_parses(command):
    words = shlex.split(command.replace('CONFIG', QUICK_CAC).replace(
        'CKPT', 'work_dirs/a/latest.pth'))
    script = words[1]
    relative = script.split('/', 1)[1]
    if script.startswith('demo/'):
        module = load_tool(f'../demo/{relative}')
    else:
        module = load_tool(relative)
    args = module.parse_args(words[2:])
    assert getattr(args, 'config', QUICK_CAC) == QUICK_CAC
