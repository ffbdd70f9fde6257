import os
import os.path as osp
import tempfile
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import is_model_wrapper

from mmseg.engine.legacy_config import test_config
from mmseg.engine.runner import ResumableRunner
from mmseg.utils import load_weights
from mmseg.utils.errors import InvalidArgumentError

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

    Arguments as :func:`mmseg.engine.legacy_config.test_config`.
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
    load_weights(model, checkpoint, strict=True, for_test=True)
    metrics = runner.test()
    metric = runner.test_evaluator.metrics[0]
    return metrics, metric, metric.dataset


def _batch_results(model, data: dict) -> list:
    with torch.no_grad():
        result = model(return_loss=False, **data)
    # 0.28 extends the results with the batch, also a tensor's rows
    batched = (list, tuple, torch.Tensor, np.ndarray)
    return list(result) if isinstance(result, batched) else [result]


def _save_npy(result) -> str:
    os.makedirs('.efficient_test', exist_ok=True)
    path = tempfile.NamedTemporaryFile(suffix='.npy', dir='.efficient_test',
                                       delete=False).name
    np.save(path, np.asarray(result))
    return path


def _show_batch(model, data: dict, results: list, dataset, show: bool,
                out_dir: Optional[str], opacity: float) -> None:
    """0.28's drawings of a batch, over the original image files."""
    segmentor = getattr(model, 'module', model)
    for meta, result in zip(data['img_metas'][0], results):
        out_file = osp.join(out_dir, meta['ori_filename']) if out_dir \
            else None
        segmentor.show_result(meta['filename'], [result],
                              palette=getattr(dataset, 'PALETTE', None),
                              show=show, out_file=out_file, opacity=opacity)


def single_gpu_test(model: torch.nn.Module, data_loader,
                    show: bool = False, out_dir: Optional[str] = None,
                    efficient_test: bool = False, opacity: float = 0.5,
                    pre_eval: bool = False, format_only: bool = False,
                    format_args: Optional[dict] = None) -> list:
    """0.28's test loop: run ``model`` over ``data_loader``.

    Args:
        model: Segmentor (or a wrapper) called the 0.28 way.
        data_loader: Loader whose dataset has ``pre_eval`` /
            ``format_results`` when those modes are used.
        show: Show each drawing in a window (``model.show_result``).
        out_dir: Write each drawing to ``out_dir/<ori_filename>``.
        opacity: Weight of the class colours in the drawings.
        efficient_test: Deprecated in 0.28: each result is saved as a
            ``.npy`` file under ``.efficient_test/`` and its path returned.
        pre_eval: Return the dataset's ``pre_eval`` statistics.
        format_only: Return the dataset's ``format_results`` output.
        format_args: Arguments for ``format_results``.

    Returns:
        Label maps, pre-eval statistics or formatted files, per image.
    """
    if efficient_test + pre_eval + format_only > 1:
        raise InvalidArgumentError('single_gpu_test: efficient_test, pre_eval '
                                   'and format_only are exclusive')
    model.eval()
    dataset = data_loader.dataset
    results = []
    batches = iter(data_loader.batch_sampler)
    for data in data_loader:
        indices = next(batches)
        result = _batch_results(model, data)
        if show or out_dir:
            _show_batch(model, data, result, dataset, show, out_dir, opacity)
        if efficient_test:
            result = [_save_npy(r) for r in result]
        if format_only:
            result = dataset.format_results(result, indices=indices,
                                            **(format_args or {}))
        if pre_eval:
            result = dataset.pre_eval(result, indices=indices)
        results.extend(result)
    return results


def multi_gpu_test(model: torch.nn.Module, data_loader,
                   tmpdir: Optional[str] = None, gpu_collect: bool = False,
                   efficient_test: bool = False, pre_eval: bool = False,
                   format_only: bool = False,
                   format_args: Optional[dict] = None) -> Optional[list]:
    """0.28's distributed test loop; results are gathered on rank 0.

    Args:
        model: Segmentor (or DDP wrapper).
        data_loader: Loader with a distributed sampler.
        tmpdir: Folder for CPU gathering (mmengine ``collect_results``).
        gpu_collect: Gather through GPU collectives instead.
        efficient_test, pre_eval, format_only, format_args: As in
            :func:`single_gpu_test`.

    Returns:
        The results of all ranks in dataset order on rank 0, else None.
    """
    from mmengine.dist import collect_results
    results = single_gpu_test(model, data_loader, pre_eval=pre_eval,
                              format_only=format_only,
                              format_args=format_args)
    return collect_results(results, len(data_loader.dataset),
                           'gpu' if gpu_collect else 'cpu', tmpdir=tmpdir)
