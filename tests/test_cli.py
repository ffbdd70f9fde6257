"""--cfg-options: typos are errors with a suggestion, +KEY adds a key."""
import pytest

from mmseg.cli import UsageError, load_config
from tests.runs import QUICK_CAC


@pytest.mark.parametrize('option, suggestion', [
    ('optimizer.lrr=0.1', 'optimizer.lr'),
    ('data.samples_per_gpuu=2', 'data.samples_per_gpu'),
])
def test_a_typo_names_the_closest_key(option, suggestion):
    with pytest.raises(UsageError, match=f'did you mean {suggestion}\\?'):
        load_config(QUICK_CAC, [option])


def test_list_indices_and_new_keys():
    cfg = load_config(QUICK_CAC, ['data.train.pipeline.3.crop_size=(64,64)',
                                  '+model.test_cfg.stride=(8,8)'])
    assert cfg.data.train.pipeline[3].crop_size == (64, 64)
    assert cfg.model.test_cfg.stride == (8, 8)
    with pytest.raises(UsageError, match=r'\+model.test_cfg.strid=VALUE'):
        load_config(QUICK_CAC, ['model.test_cfg.strid=(8,8)'])
    with pytest.raises(UsageError, match='no such key'):
        load_config(QUICK_CAC, ['data.train.pipeline.99.size=(1,1)'])
