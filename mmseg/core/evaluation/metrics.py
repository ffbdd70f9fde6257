"""Pixel metrics of semantic segmentation with the MMSegmentation 0.28 API.

Every metric is built from four per-class pixel counts: the intersection of
prediction and ground truth, their union, the prediction area and the
ground-truth area. Ratios with a zero denominator are NaN (a class that
never appears), as in 0.28.
"""
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch

ALLOWED_METRICS = ('mIoU', 'mDice', 'mFscore')

LabelMap = Union[np.ndarray, torch.Tensor, str]
Areas = Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def f_score(precision: Union[float, torch.Tensor],
            recall: Union[float, torch.Tensor],
            beta: float = 1) -> Union[float, torch.Tensor]:
    """F-beta score; ``beta`` > 1 weighs recall more than precision.

    Args:
        precision: Precision value(s).
        recall: Recall value(s).
        beta: Weight of recall.

    Returns:
        The score, with the type of the inputs.
    """
    return (1 + beta**2) * (precision * recall) / (
        (beta**2 * precision) + recall)


def _to_tensor(array: Union[np.ndarray, torch.Tensor]) -> torch.Tensor:
    """A private copy as a CPU tensor (wide unsigned ints become int64)."""
    if isinstance(array, torch.Tensor):
        return array.detach().cpu().clone()
    array = np.array(array)
    if array.dtype.kind == 'u' and array.itemsize > 1:
        array = array.astype(np.int64)
    return torch.from_numpy(array)


def _load_pred(pred: LabelMap) -> torch.Tensor:
    # 0.28 stores predictions on disk as .npy files
    return _to_tensor(np.load(pred) if isinstance(pred, str) else pred)


def _load_label(label: LabelMap) -> torch.Tensor:
    if isinstance(label, str):
        label = mmcv.imread(label, flag='unchanged', backend='pillow')
    return _to_tensor(label)


def _class_histogram(values: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Pixel count per class; values outside ``[0, num_classes)`` are
    dropped, as ``torch.histc`` does in 0.28."""
    in_range = (values >= 0) & (values < num_classes)
    counts = torch.bincount(values[in_range].long(), minlength=num_classes)
    return counts.float()


def intersect_and_union(pred_label: LabelMap,
                        label: LabelMap,
                        num_classes: int,
                        ignore_index: int,
                        label_map: Optional[dict] = dict(),
                        reduce_zero_label: bool = False) -> Areas:
    """Per-class pixel areas of one prediction against its ground truth.

    Args:
        pred_label: Predicted label map, or the path of a ``.npy`` file.
        label: Ground-truth label map, or the path of a label image.
        num_classes: Number of classes.
        ignore_index: Ground-truth value excluded from evaluation.
        label_map: Ground-truth relabelling ``{old id: new id}``, applied
            before ``reduce_zero_label``.
        reduce_zero_label: Ignore ground-truth 0 and shift the other values
            down by one.

    Returns:
        ``(area_intersect, area_union, area_pred_label, area_label)``,
        float tensors of shape ``(num_classes, )``.
    """
    pred_label = _load_pred(pred_label)
    label = _load_label(label)
    if pred_label.shape != label.shape:
        raise ValueError(f'prediction shape {tuple(pred_label.shape)} differs '
                         f'from the ground-truth shape {tuple(label.shape)}')
    if label_map:
        mapped = label.clone()
        for old_id, new_id in label_map.items():
            mapped[label == old_id] = new_id
        label = mapped
    if reduce_zero_label:
        label[label == 0] = 255
        label = label - 1
        label[label == 254] = 255

    valid = label != ignore_index
    pred_label, label = pred_label[valid], label[valid]
    area_intersect = _class_histogram(pred_label[pred_label == label],
                                      num_classes)
    area_pred_label = _class_histogram(pred_label, num_classes)
    area_label = _class_histogram(label, num_classes)
    area_union = area_pred_label + area_label - area_intersect
    return area_intersect, area_union, area_pred_label, area_label


def total_intersect_and_union(results: Sequence[LabelMap],
                              gt_seg_maps: Iterable[LabelMap],
                              num_classes: int,
                              ignore_index: int,
                              label_map: Optional[dict] = dict(),
                              reduce_zero_label: bool = False) -> Areas:
    """Per-class areas summed over a set of images.

    Args:
        results: Predicted label maps (or ``.npy`` paths).
        gt_seg_maps: Ground-truth label maps (or image paths), any iterable.
        num_classes, ignore_index, label_map, reduce_zero_label: As in
            :func:`intersect_and_union`.

    Returns:
        The four area sums as float64 tensors of shape ``(num_classes, )``.
    """
    totals = [torch.zeros(num_classes, dtype=torch.float64)
              for _ in range(4)]
    for pred, gt in zip(results, gt_seg_maps):
        areas = intersect_and_union(pred, gt, num_classes, ignore_index,
                                    label_map, reduce_zero_label)
        for total, area in zip(totals, areas):
            total += area
    return tuple(totals)


def _check_metrics(metrics: Union[str, Sequence[str]]) -> List[str]:
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [m for m in metrics if m not in ALLOWED_METRICS]
    if unknown:
        raise KeyError(f'metrics {unknown} are not supported; choose from '
                       f'{list(ALLOWED_METRICS)}')
    return metrics


def total_area_to_metrics(total_area_intersect: torch.Tensor,
                          total_area_union: torch.Tensor,
                          total_area_pred_label: torch.Tensor,
                          total_area_label: torch.Tensor,
                          metrics: Union[str, Sequence[str]] = ['mIoU'],
                          nan_to_num: Optional[float] = None,
                          beta: float = 1) -> Dict[str, np.ndarray]:
    """Metrics from summed per-class areas.

    Args:
        total_area_intersect, total_area_union, total_area_pred_label,
            total_area_label: Per-class area sums.
        metrics: Any of 'mIoU', 'mDice', 'mFscore'.
        nan_to_num: Replace NaN (absent classes) by this value if given.
        beta: Weight of recall in the F-score.

    Returns:
        ``aAcc`` (0-d array) and, per metric, per-class arrays: 'mIoU' ->
        ``IoU``, ``Acc``; 'mDice' -> ``Dice``, ``Acc``; 'mFscore' ->
        ``Fscore``, ``Precision``, ``Recall``. Values are fractions.
    """
    metrics = _check_metrics(metrics)
    intersect = total_area_intersect
    accuracy = intersect / total_area_label
    values = {'aAcc': intersect.sum() / total_area_label.sum()}
    for metric in metrics:
        if metric == 'mIoU':
            values['IoU'] = intersect / total_area_union
            values['Acc'] = accuracy
        elif metric == 'mDice':
            values['Dice'] = 2 * intersect / (total_area_pred_label +
                                              total_area_label)
            values['Acc'] = accuracy
        else:
            precision = intersect / total_area_pred_label
            values['Fscore'] = f_score(precision, accuracy, beta)
            values['Precision'] = precision
            values['Recall'] = accuracy
    values = {key: value.numpy() for key, value in values.items()}
    if nan_to_num is not None:
        values = {key: np.nan_to_num(value, nan=nan_to_num)
                  for key, value in values.items()}
    return values


def eval_metrics(results: Sequence[LabelMap],
                 gt_seg_maps: Iterable[LabelMap],
                 num_classes: int,
                 ignore_index: int,
                 metrics: Union[str, Sequence[str]] = ['mIoU'],
                 nan_to_num: Optional[float] = None,
                 label_map: Optional[dict] = dict(),
                 reduce_zero_label: bool = False,
                 beta: float = 1) -> Dict[str, np.ndarray]:
    """Evaluate predicted label maps against ground truth.

    Args:
        results: Predicted label maps (or ``.npy`` paths).
        gt_seg_maps: Ground-truth label maps (or image paths), any iterable.
        num_classes: Number of classes.
        ignore_index: Ground-truth value excluded from evaluation.
        metrics: Any of 'mIoU', 'mDice', 'mFscore'.
        nan_to_num: Replace NaN (absent classes) by this value if given.
        label_map: Ground-truth relabelling ``{old id: new id}``.
        reduce_zero_label: Ignore ground-truth 0 and shift the rest down.
        beta: Weight of recall in the F-score.

    Returns:
        See :func:`total_area_to_metrics`.
    """
    areas = total_intersect_and_union(results, gt_seg_maps, num_classes,
                                      ignore_index, label_map,
                                      reduce_zero_label)
    return total_area_to_metrics(*areas, metrics, nan_to_num, beta)


def pre_eval_to_metrics(pre_eval_results: Sequence[Areas],
                        metrics: Union[str, Sequence[str]] = ['mIoU'],
                        nan_to_num: Optional[float] = None,
                        beta: float = 1) -> Dict[str, np.ndarray]:
    """Metrics from per-image areas (the output of ``pre_eval``).

    Args:
        pre_eval_results: One ``(intersect, union, pred, label)`` area tuple
            per image.
        metrics, nan_to_num, beta: As in :func:`total_area_to_metrics`.

    Returns:
        See :func:`total_area_to_metrics`.
    """
    columns = tuple(zip(*pre_eval_results))
    if len(columns) != 4:
        raise ValueError('pre_eval_results must be a non-empty list of '
                         '(intersect, union, pred, label) area tuples')
    # summed in float64: float32 sums lose whole pixels on large datasets
    totals = [sum(torch.as_tensor(area, dtype=torch.float64)
                  for area in column) for column in columns]
    return total_area_to_metrics(*totals, metrics, nan_to_num, beta)


def mean_iou(results: Sequence[LabelMap],
             gt_seg_maps: Iterable[LabelMap],
             num_classes: int,
             ignore_index: int,
             nan_to_num: Optional[float] = None,
             label_map: Optional[dict] = dict(),
             reduce_zero_label: bool = False) -> Dict[str, np.ndarray]:
    """``aAcc``, per-class ``IoU`` and ``Acc``; see :func:`eval_metrics`."""
    return eval_metrics(results, gt_seg_maps, num_classes, ignore_index,
                        ['mIoU'], nan_to_num, label_map, reduce_zero_label)


def mean_dice(results: Sequence[LabelMap],
              gt_seg_maps: Iterable[LabelMap],
              num_classes: int,
              ignore_index: int,
              nan_to_num: Optional[float] = None,
              label_map: Optional[dict] = dict(),
              reduce_zero_label: bool = False) -> Dict[str, np.ndarray]:
    """``aAcc``, per-class ``Dice`` and ``Acc``; see :func:`eval_metrics`."""
    return eval_metrics(results, gt_seg_maps, num_classes, ignore_index,
                        ['mDice'], nan_to_num, label_map, reduce_zero_label)


def mean_fscore(results: Sequence[LabelMap],
                gt_seg_maps: Iterable[LabelMap],
                num_classes: int,
                ignore_index: int,
                nan_to_num: Optional[float] = None,
                label_map: Optional[dict] = dict(),
                reduce_zero_label: bool = False,
                beta: float = 1) -> Dict[str, np.ndarray]:
    """``aAcc``, per-class ``Fscore``, ``Precision`` and ``Recall``; see
    :func:`eval_metrics`."""
    return eval_metrics(results, gt_seg_maps, num_classes, ignore_index,
                        ['mFscore'], nan_to_num, label_map, reduce_zero_label,
                        beta)
