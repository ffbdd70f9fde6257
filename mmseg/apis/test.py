from typing import List, Optional, Sequence

from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.engine.legacy_config import runner_config, test_runner_kwargs
from mmseg.engine.runner import SegRunner
from mmseg.models import build_segmentor
from mmseg.utils import load_weights

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
        metric_cfg: ``SegMetric`` arguments (metric, format_only, ...).
        launcher: 'none', 'pytorch' or 'slurm'.

    Returns:
        (metrics dict, the ``SegMetric``, the dataset).
    """
    cfg.model.pretrained = None
    cfg.model.train_cfg = None
    dataset = build_dataset(cfg.data.test, dict(test_mode=True))
    model = build_segmentor(cfg.model)
    load_weights(model, checkpoint, strict=True, for_test=True)
    kwargs = test_runner_kwargs(cfg, model, dataset, None, work_dir,
                                metric_cfg, launcher)
    runner = SegRunner(**kwargs, cfg=runner_config(cfg))
    metrics = runner.test()
    return metrics, runner.test_evaluator.metrics[0], dataset
