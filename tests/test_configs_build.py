"""Every config under configs/ builds its model on the meta device.

Each distinct model section is built once. It must predict its dataset's
classes, carry CAC exactly when the config is a ``cac_`` one, and, for a
config at a 0.28 path, have MMSeg 0.28.0's parameter and state-dict counts
(``tests/data/counts_028.json``, made by ``tools/analysis/count_configs.py``
in a 0.28 environment from 0.28's ``configs/``; SyncBN counts as BN).
"""
import copy
import json
import re
import warnings

import pytest
import torch
from mmengine.config import Config

from mmseg.models import build_segmentor
from mmseg.models.losses import CACLoss
from mmseg.registry import DATASETS
from tests.conftest import REPO_ROOT

CONFIG_DIR = REPO_ROOT / 'configs'
COUNTS = json.loads((REPO_ROOT / 'tests' / 'data' /
                     'counts_028.json').read_text())
# 0.28 families of which every config that 0.28 builds is shipped here
COMPLETE_FAMILIES = (
    'ccnet', 'psanet', 'point_rend', 'sem_fpn', 'encnet', 'fastfcn',
    'bisenetv1', 'bisenetv2', 'stdc', 'unet',
    'vit', 'setr', 'dpt', 'segmenter',
    'ann', 'apcnet', 'danet', 'dmnet', 'dnlnet', 'emanet', 'gcnet', 'isanet',
    'nonlocal_net', 'resnest',
    'mobilenet_v2', 'mobilenet_v3', 'fastscnn', 'cgnet', 'erfnet', 'icnet',
    'beit', 'mae', 'twins', 'convnext',
    'deeplabv3', 'deeplabv3plus', 'fcn', 'hrnet', 'ocrnet', 'pspnet',
    'segformer', 'swin', 'upernet',
)
CONFIGS = sorted(
    path.relative_to(CONFIG_DIR).as_posix()
    for path in CONFIG_DIR.rglob('*.py')
    if '_base_' not in path.relative_to(CONFIG_DIR).parts)


def model_groups() -> dict:
    """Configs grouped by their model section, keyed by the first one."""
    groups = {}
    for name in CONFIGS:
        cfg = Config.fromfile(CONFIG_DIR / name)
        key = json.dumps(cfg.model.to_dict(), sort_keys=True, default=str)
        groups.setdefault(key, []).append((name, cfg))
    return {members[0][0]: members for members in groups.values()}


GROUPS = model_groups()


def num_classes(model) -> list:
    heads = model.decode_head
    heads = list(heads) if isinstance(heads, torch.nn.ModuleList) else [heads]
    return [head.num_classes for head in heads]


@pytest.mark.parametrize('config', sorted(GROUPS))
def test_model_builds(config):
    members = GROUPS[config]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        with torch.device('meta'):
            model = build_segmentor(copy.deepcopy(members[0][1].model))
    counts = [sum(p.numel() for p in model.parameters()),
              len(model.state_dict())]
    has_cac = any(isinstance(m, CACLoss) for m in model.modules())
    for name, cfg in members:
        train = cfg.data.train.get('dataset', cfg.data.train)  # Repeat
        classes = DATASETS.get(train.type).CLASSES
        assert set(num_classes(model)) == {len(classes)}, name
        assert has_cac == name.startswith('cac_'), name
        if isinstance(COUNTS.get(name), list):
            assert counts == COUNTS[name], name


@pytest.mark.parametrize('family', COMPLETE_FAMILIES)
def test_family_is_complete(family):
    missing = [name for name, counts in COUNTS.items()
               if name.startswith(family + '/') and isinstance(counts, list)
               and not (CONFIG_DIR / name).is_file()]
    assert not missing, f'{family}: {len(missing)} 0.28 configs missing'


def readme_zoo_rows() -> list:
    """``(config, params)`` of the README's model-zoo table."""
    readme = (REPO_ROOT / 'README.md').read_text()
    table = readme.split('## Model zoo')[1].split('\n## ')[0]
    return [(config, int(params.replace(',', '')))
            for config, params in re.findall(
                r'\[config\]\(configs/([^)]+)\) \| ([\d,]+) \|', table)]


def test_readme_zoo_table_states_028_counts_for_every_family():
    rows = readme_zoo_rows()
    for config, params in rows:
        assert (CONFIG_DIR / config).is_file(), config
        assert COUNTS[config][0] == params, config
    shipped = {name.split('/')[0] for name in CONFIGS if name in COUNTS}
    assert shipped <= {config.split('/')[0] for config, _ in rows}
