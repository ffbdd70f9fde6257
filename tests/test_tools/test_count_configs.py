"""tools/analysis/count_configs.py counts each config's model, records a
failing build with its error and leaves out ``_base_`` files."""
import json
import shutil

from tests.conftest import REPO_ROOT
from tests.runs import load_tool

TINY = 'pspnet/pspnet_r18tiny_2x4_192x192_500_synthetic_cityscapes.py'


def test_counts_and_errors(tmp_path, monkeypatch, capsys):
    configs = tmp_path / 'configs'
    shutil.copytree(REPO_ROOT / 'configs' / '_base_', configs / '_base_')
    (configs / 'pspnet').mkdir()
    shutil.copy(REPO_ROOT / 'configs' / TINY, configs / TINY)
    (configs / 'pspnet' / 'broken.py').write_text(
        "model = dict(type='NoSuchSegmentor')\n")
    out = tmp_path / 'counts.json'
    tool = load_tool('analysis/count_configs.py')
    monkeypatch.setattr('sys.argv', ['count_configs.py', str(configs),
                                     '--out', str(out)])
    tool.main()
    counts = json.loads(out.read_text())
    assert set(counts) == {TINY, 'pspnet/broken.py'}
    model = tool.count(tool.load_config(configs / TINY))
    assert counts[TINY] == model and model[0] > 0 and model[1] > 0
    assert 'NoSuchSegmentor' in counts['pspnet/broken.py']['error']
    assert '1 counted, 1 failed' in capsys.readouterr().out
