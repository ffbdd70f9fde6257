"""Configs written before the Seg prefix was dropped still build."""
import pytest
import torch

import mmseg.core  # noqa: F401 (registers the metric)
import mmseg.engine  # noqa: F401 (registers hooks and optim wrappers)
from mmseg.core.evaluation.seg_metric import DatasetMetric
from mmseg.engine import (
    SkipNonFiniteAmpOptimWrapper,
    SkipNonFiniteOptimWrapper,
)
from mmseg.engine.hooks.checkpoint_hook import AtomicCheckpointHook
from mmseg.engine.hooks.logger_hook import JsonLoggerHook
from mmseg.registry import HOOKS, METRICS, OPTIM_WRAPPERS


@pytest.mark.parametrize('old, new, cfg', [
    ('SegCheckpointHook', AtomicCheckpointHook, dict(interval=7)),
    ('SegLoggerHook', JsonLoggerHook, dict(interval=7)),
])
def test_old_hook_names_build_the_renamed_hooks(old, new, cfg):
    hook = HOOKS.build(dict(type=old, **cfg))
    assert type(hook) is new and hook.interval == 7


@pytest.mark.parametrize('old, new', [
    ('SegOptimWrapper', SkipNonFiniteOptimWrapper),
    ('SegAmpOptimWrapper', SkipNonFiniteAmpOptimWrapper),
])
def test_old_optim_wrapper_names_build_the_renamed_wrappers(old, new):
    optimizer = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.25)
    wrapper = OPTIM_WRAPPERS.build(dict(type=old, optimizer=optimizer))
    assert type(wrapper) is new and wrapper.optimizer is optimizer


def test_old_metric_name_builds_the_renamed_metric():
    dataset = object()  # stored as given; only a dict config is built
    metric = METRICS.build(dict(type='SegMetric', dataset=dataset,
                                metric='mDice'))
    assert type(metric) is DatasetMetric
    assert metric.dataset is dataset and metric.pixel_metrics == ['mDice']
