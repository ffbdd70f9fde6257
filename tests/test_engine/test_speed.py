"""Opt-in speed settings keep a fixture's numbers and compile only once."""
import copy

import pytest
import torch

from mmseg.cli import add_speed_options, apply_speed_options
from mmseg.engine.config_translation import env_settings
from mmseg.engine.speed import apply_speed_settings
from mmseg.models import build_segmentor
from tests.conftest import load_golden

pytestmark = pytest.mark.xdist_group('speed_settings')


class CountingBackend:
    """A compiler-free torch.compile backend that counts compilations."""

    def __init__(self):
        self.graphs = 0

    def __call__(self, graph_module, example_inputs):
        self.graphs += 1
        return graph_module.forward


def failing_backend(graph_module, example_inputs):
    raise RuntimeError('no C compiler here')


def check_fixture(case, model, atol=1e-4, rtol=1e-4):
    """Losses and eval logits within 1e-4 (absolute plus relative: the
    channels-last kernels sum in another order)."""
    model.load_state_dict(case['state_dict'], strict=True)
    model.train()
    losses = model(case['img'], case['img_metas'], case['gt'])
    for key, expected in case['train_losses'].items():
        torch.testing.assert_close(
            losses[key].detach().reshape(expected.shape), expected,
            atol=atol, rtol=rtol, msg=key)
    model.load_state_dict(case['state_dict'], strict=True)
    model.eval()
    with torch.no_grad():
        logits = model(case['img'], case['img_metas'], mode='tensor')
    torch.testing.assert_close(logits, case['encode_decode'], atol=atol,
                               rtol=rtol)


@pytest.fixture(scope='module')
def cac_case():
    return load_golden('fcn_hrnet_cac')


def build(case):
    return build_segmentor(copy.deepcopy(case['config']))


def test_channels_last_matches_fixture(cac_case):
    model = apply_speed_settings(build(cac_case), channels_last=True)
    assert model.backbone.conv1.weight.is_contiguous(
        memory_format=torch.channels_last)
    check_fixture(cac_case, model)


def test_compile_matches_fixture_and_compiles_once(cac_case):
    backend = CountingBackend()
    model = apply_speed_settings(build(cac_case),
                                 compile=dict(backend=backend))
    check_fixture(cac_case, model)
    graphs = backend.graphs
    assert graphs > 0
    model.train()
    for _ in range(2):
        model(cac_case['img'], cac_case['img_metas'], cac_case['gt'])
    assert backend.graphs == graphs  # reused, not recompiled


def test_compile_failure_falls_back_with_one_warning(cac_case):
    model = apply_speed_settings(build(cac_case),
                                 compile=dict(backend=failing_backend))
    with pytest.warns(UserWarning, match='torch.compile of') as record:
        check_fixture(cac_case, model)
    assert sum('torch.compile of the backbone' in str(w.message)
               for w in record) == 1


def test_bad_compile_value_is_a_clear_error(cac_case):
    with pytest.raises(ValueError, match='compile must be'):
        apply_speed_settings(build(cac_case), compile='yes')


def test_flags_set_config_keys():
    import argparse

    from mmengine.config import Config
    parser = argparse.ArgumentParser()
    add_speed_options(parser)
    cfg = Config(dict())
    apply_speed_options(parser.parse_args(
        ['--compile', 'aot_eager', '--channels-last', '--cudnn-benchmark']),
        cfg)
    assert cfg.compile == dict(backend='aot_eager')
    assert cfg.channels_last is True
    assert env_settings(cfg)['cudnn_benchmark'] is True
