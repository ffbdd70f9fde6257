import os
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = Path(os.environ.get('MMSEG_GOLDEN_DIR',
                                 REPO_ROOT.parent / 'shared' / 'golden'))


def load_golden(name: str) -> dict:
    """Load a reference fixture; a missing one is an error, not a skip."""
    path = GOLDEN_DIR / f'{name}.pt'
    if not path.is_file():
        raise FileNotFoundError(
            f'reference fixture {path} is missing: keep ../shared beside the '
            'repository or set MMSEG_GOLDEN_DIR')
    return torch.load(path, weights_only=False)


@pytest.fixture(autouse=True)
def _deterministic_torch():
    torch.manual_seed(0)
    yield
