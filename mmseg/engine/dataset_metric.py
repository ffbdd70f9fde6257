"""``DatasetMetric``: mmengine evaluation through the datasets' 0.28 API."""
import shutil
from typing import List, Optional, Sequence, Union

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmseg.datasets.builder import build_dataset
from mmseg.registry import METRICS

PIXEL_METRICS = ('mIoU', 'mDice', 'mFscore')


@METRICS.register_module()
class DatasetMetric(BaseMetric):
    """Evaluate predictions with the dataset's 0.28 API.

    Per image it keeps the ``pre_eval`` areas (or the label map), writes the
    label-map files when formatting, and renders overlays when asked; at the
    end ``dataset.evaluate`` prints the 0.28 table and returns its dict.
    Results from all ranks are gathered in dataset order.

    Args:
        dataset: The evaluated dataset (``CustomDataset`` API) or its
            config (the loader's dataset config: same images, same order).
        metric: 'mIoU', 'mDice', 'mFscore', 'cityscapes' or a list of them.
        pre_eval: Keep per-image areas instead of label maps (less memory).
        format_only: Only write results with ``dataset.format_results``,
            then zip the folder (``<imgfile_prefix>.zip``, ready to upload).
        format_args: Arguments of ``format_results`` (``imgfile_prefix``,
            ...); also used to write files for the 'cityscapes' metric.
        keep_predictions: Keep the label maps in ``self.predictions`` (for
            ``tools/test.py --out``).
        show_dir: Write prediction overlays there (titled panels and a
            class legend, see ``CustomDataset.show_prediction``).
        opacity: Overlay opacity.
        collect_device, collect_dir: How results are gathered across ranks.
        **eval_kwargs: Passed to ``dataset.evaluate``.
    """

    default_prefix = ''  # keys stay 'mIoU', 'aAcc', ... as in 0.28

    def __init__(self,
                 dataset,
                 metric: Union[str, Sequence[str]] = 'mIoU',
                 pre_eval: bool = True,
                 format_only: bool = False,
                 format_args: Optional[dict] = None,
                 keep_predictions: bool = False,
                 show_dir: Optional[str] = None,
                 opacity: float = 0.5,
                 collect_device: str = 'cpu',
                 collect_dir: Optional[str] = None,
                 **eval_kwargs):
        super().__init__(collect_device=collect_device,
                         collect_dir=collect_dir)
        metrics = [metric] if isinstance(metric, str) else list(metric)
        unknown = set(metrics) - set(PIXEL_METRICS) - {'cityscapes'}
        if unknown:
            raise KeyError(f'unsupported metric {sorted(unknown)}; use '
                           f"{list(PIXEL_METRICS) + ['cityscapes']}")
        if isinstance(dataset, (dict, list)):
            dataset = build_dataset(dataset)
        self.dataset = dataset
        self.pixel_metrics = [m for m in metrics if m in PIXEL_METRICS]
        self.file_metric = 'cityscapes' in metrics
        self.pre_eval = pre_eval
        self.format_only = format_only
        self.format_args = dict(format_args or {})
        if (format_only or self.file_metric) and \
                'imgfile_prefix' not in self.format_args:
            raise ValueError(
                'formatting results needs an output folder: pass '
                '--eval-options "imgfile_prefix=DIR" (or format_args='
                "dict(imgfile_prefix=...) in the evaluation config)")
        self.keep_predictions = keep_predictions
        self.show_dir = show_dir
        self.opacity = opacity
        self.eval_kwargs = eval_kwargs
        self.predictions: List = []

    def process(self, data_batch: dict, data_samples: Sequence) -> None:
        for index, pred in zip(data_batch['sample_idx'], data_samples):
            record = dict(index=index)
            if self.keep_predictions:
                record['pred'] = pred
            if self.format_only or self.file_metric:
                record['files'] = self.dataset.format_results(
                    [pred], indices=[index], **self.format_args)
            if self.pixel_metrics and not self.format_only:
                record['eval'] = self.dataset.pre_eval([pred], [index])[0] \
                    if self.pre_eval else pred
            if self.show_dir:
                self.dataset.show_prediction(index, pred, self.show_dir,
                                             opacity=self.opacity)
            self.results.append(record)

    def compute_metrics(self, results: list) -> dict:
        self.predictions = [r['pred'] for r in results] \
            if self.keep_predictions else []
        if self.show_dir:  # every rank drew its own images
            print_log(f'wrote {len(results)} images to {self.show_dir}',
                      'current')
        if self.format_only:
            prefix = self.format_args['imgfile_prefix'].rstrip('/')
            archive = shutil.make_archive(prefix, 'zip', prefix)
            print_log(f'{len(results)} results written to {prefix}/, and '
                      f'packed for upload in {archive}', 'current')
            return {}
        metrics = {}
        if self.pixel_metrics:
            metrics.update(self.dataset.evaluate(
                [r['eval'] for r in results], metric=self.pixel_metrics,
                logger='current', **self.eval_kwargs))
        if self.file_metric:
            files = [f for r in results for f in r['files']]
            metrics.update(self.dataset.evaluate(
                files, metric='cityscapes', logger='current',
                imgfile_prefix=self.format_args['imgfile_prefix']))
        return metrics
