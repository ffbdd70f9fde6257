import os
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
# outputs of MMSeg 0.28 and the original CAC code for tiny models (see
# tests/data/reference/README.md); MMSEG_GOLDEN_DIR points elsewhere
GOLDEN_DIR = Path(os.environ.get('MMSEG_GOLDEN_DIR',
                                 REPO_ROOT / 'tests' / 'data' / 'reference'))


def load_golden(name: str) -> dict:
    """Load a reference fixture; a missing one is an error, not a skip."""
    path = GOLDEN_DIR / f'{name}.pt'
    if not path.is_file():
        raise FileNotFoundError(
            f'reference fixture {path} is missing: restore '
            'tests/data/reference (git checkout) or set MMSEG_GOLDEN_DIR')
    return torch.load(path, weights_only=False)


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory) -> Path:
    """8 train / 4 val / 4 test synthetic Cityscapes images of 128x256."""
    from mmseg.datasets.synthetic import generate_cityscapes
    root = tmp_path_factory.mktemp('synthetic_cityscapes')
    generate_cityscapes(str(root), num_train=8, num_val=4, num_test=4,
                        size=(128, 256), seed=3)
    return root


@pytest.fixture(autouse=True)
def _deterministic_torch():
    torch.manual_seed(0)
    yield


@pytest.fixture(scope='session')
def reference(synthetic_root, tmp_path_factory) -> dict:
    """Final weights of the uninterrupted reference training run, trained
    once per pytest run (per xdist worker) for the resume tests."""
    from tests.runs import final_weights, resume_train_cmd, run_tool
    work_dir = tmp_path_factory.mktemp('uninterrupted')
    run_tool(resume_train_cmd(work_dir, synthetic_root))
    return final_weights(work_dir)
