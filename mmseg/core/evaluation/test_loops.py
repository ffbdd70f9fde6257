"""0.28's test loops: ``single_gpu_test`` and ``multi_gpu_test``.

Re-exported by ``mmseg.apis`` (their 0.28 home) and used by the
``EvalHook`` / ``DistEvalHook`` of :mod:`.eval_hooks`.
"""
import os
import os.path as osp
import tempfile
from typing import Optional

import numpy as np
import torch
from mmengine.dist import collect_results

from mmseg.utils.errors import InvalidArgumentError


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
    results = single_gpu_test(model, data_loader, pre_eval=pre_eval,
                              format_only=format_only,
                              format_args=format_args)
    return collect_results(results, len(data_loader.dataset),
                           'gpu' if gpu_collect else 'cpu', tmpdir=tmpdir)
