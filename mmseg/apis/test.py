from typing import List, Optional, Sequence

from mmengine.config import Config
from mmengine.model import is_model_wrapper

from mmseg.core.evaluation.test_loops import multi_gpu_test, single_gpu_test
from mmseg.engine.config_translation import test_config
from mmseg.engine.runner import ResumableRunner
from mmseg.models.decode_heads.cac_head import drop_cac_branches
from mmseg.utils import load_weights

__all__ = ['AUG_TEST_RATIOS', 'configure_aug_test', 'build_test_runner',
           'test_segmentor', 'single_gpu_test', 'multi_gpu_test']

# Multi-scale test ratios used by the CAC paper, per dataset type. Flip is
# always added; --aug-ratios overrides.
AUG_TEST_RATIOS = {
    'CityscapesDataset': [0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
    'ADE20KDataset': [0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
    'PascalContextDataset59': [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
    'COCOStuffDataset': [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75],
}


def _tta_step(pipeline: list) -> dict:
    for step in pipeline:
        if step['type'] == 'MultiScaleFlipAug':
            return step
    raise ValueError('the test pipeline has no MultiScaleFlipAug step to '
                     'configure for --aug-test')


def configure_aug_test(test_data: dict,
                       ratios: Optional[Sequence[float]] = None
                       ) -> List[float]:
    """Turn on multi-scale + flip testing in ``test_data['pipeline']``.

    Args:
        test_data: ``cfg.data.test``; changed in place.
        ratios: Explicit ratios; by default the dataset type's entry of
            ``AUG_TEST_RATIOS``.

    Returns:
        The ratios used.
    """
    if ratios is None:
        kind = test_data['type']
        if kind not in AUG_TEST_RATIOS:
            raise KeyError(f'no multi-scale test ratios for dataset type '
                           f'{kind!r}; pass --aug-ratios, e.g. '
                           '--aug-ratios 0.5 0.75 1.0 1.25 1.5 1.75')
        ratios = AUG_TEST_RATIOS[kind]
    step = _tta_step(test_data['pipeline'])
    step['img_ratios'] = [float(r) for r in ratios]
    step['flip'] = True
    return list(step['img_ratios'])


def build_test_runner(cfg: Config, work_dir: str, metric_cfg: dict,
                      launcher: str = 'none') -> ResumableRunner:
    """The test runner of a 0.28 config, in one call (no weights loaded).

    Arguments as :func:`mmseg.engine.config_translation.test_config`.
    """
    runner_cfg = test_config(cfg, work_dir, metric_cfg, launcher)
    runner_cfg['source_config'] = dict(filename=cfg.filename,
                                       text=cfg.pretty_text)
    return ResumableRunner.from_cfg(Config(runner_cfg))


def test_segmentor(cfg: Config,
                   checkpoint: str,
                   work_dir: str,
                   metric_cfg: dict,
                   launcher: str = 'none'):
    """Evaluate (or format) a checkpoint on ``cfg.data.test``.

    Args:
        cfg: The 0.28 config (test pipeline already set up).
        checkpoint: Weights to test, loaded strictly.
        work_dir: Folder for logs.
        metric_cfg: ``DatasetMetric`` arguments (metric, format_only, ...).
        launcher: 'none', 'pytorch' or 'slurm'.

    Returns:
        (metrics dict, the ``DatasetMetric``, the dataset).
    """
    runner = build_test_runner(cfg, work_dir, metric_cfg, launcher)
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    load_weights(model, checkpoint, strict=True, drop=drop_cac_branches)
    metrics = runner.test()
    metric = runner.test_evaluator.metrics[0]
    return metrics, metric, metric.dataset
