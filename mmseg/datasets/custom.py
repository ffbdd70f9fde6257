"""Image folder + label folder dataset with the MMSegmentation 0.28 API."""
import os.path as osp
import warnings
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Union

import mmcv
import numpy as np
import torch
from mmengine import fileio
from mmengine.logging import MMLogger, print_log
from mmengine.utils import mkdir_or_exist
from PIL import Image
from prettytable import PrettyTable
from torch.utils.data import Dataset

from mmseg.core.evaluation.metrics import (
    ALLOWED_METRICS,
    eval_metrics,
    intersect_and_union,
    pre_eval_to_metrics,
)
from mmseg.core.visualization import labelled_panels, overlay
from mmseg.registry import DATASETS
from mmseg.utils.errors import InvalidArgumentError

from .pipelines import Compose, LoadAnnotations


def _backend_args(file_client_args: Optional[dict]) -> Optional[dict]:
    """mmengine ``backend_args`` for 0.28 ``file_client_args``."""
    args = dict(file_client_args or {})
    if args.get('backend', 'disk') == 'disk':
        return None  # mmengine infers the local backend from the path
    return args


def _random_palette(num_classes: int) -> np.ndarray:
    # fixed seed, so that a dataset without a palette is drawn alike in
    # every run; the global numpy state is left untouched
    return np.random.RandomState(42).randint(0, 255, size=(num_classes, 3))


def _nanmean(values: np.ndarray) -> float:
    with warnings.catch_warnings():  # all-NaN (no class present) is fine
        warnings.simplefilter('ignore', RuntimeWarning)
        return np.nanmean(values)


@DATASETS.register_module()
class CustomDataset(Dataset):
    """Images in ``img_dir`` paired by name with label maps in ``ann_dir``.

    ``img_dir/a/xxx{img_suffix}`` pairs with ``ann_dir/a/xxx{seg_map_suffix}``.
    Without ``split`` every image under ``img_dir`` is used (sorted);
    with it, the names listed in the split file (one ``xxx`` per line).

    Args:
        pipeline: Transform configs, composed with ``Compose``.
        img_dir: Image folder.
        img_suffix: Image file suffix.
        ann_dir: Label folder, if any.
        seg_map_suffix: Label file suffix.
        split: Text file listing the image names to use.
        data_root: Prefix of relative ``img_dir``, ``ann_dir`` and ``split``.
        test_mode: Skip loading annotations in ``__getitem__``.
        ignore_index: Label value excluded from evaluation.
        reduce_zero_label: Label 0 is ignored and the others shift down by
            one in evaluation.
        classes: A subset (or renaming, for datasets without ``CLASSES``)
            of the classes, as names or as a file with one name per line.
        palette: RGB colour per class.
        gt_seg_map_loader_cfg: ``LoadAnnotations`` arguments used to load
            labels for evaluation.
        file_client_args: Storage backend, e.g. ``dict(backend='disk')``.
    """

    CLASSES: Optional[Sequence[str]] = None
    PALETTE: Optional[Sequence[Sequence[int]]] = None

    def __init__(self,
                 pipeline: List[dict],
                 img_dir: str,
                 img_suffix: str = '.jpg',
                 ann_dir: Optional[str] = None,
                 seg_map_suffix: str = '.png',
                 split: Optional[str] = None,
                 data_root: Optional[str] = None,
                 test_mode: bool = False,
                 ignore_index: int = 255,
                 reduce_zero_label: bool = False,
                 classes: Union[str, Sequence[str], None] = None,
                 palette=None,
                 gt_seg_map_loader_cfg: Optional[dict] = None,
                 file_client_args: dict = dict(backend='disk')):
        self.pipeline = Compose(pipeline)
        self.img_suffix = img_suffix
        self.seg_map_suffix = seg_map_suffix
        self.data_root = data_root
        self.test_mode = test_mode
        self.ignore_index = ignore_index
        self.reduce_zero_label = reduce_zero_label
        self.label_map = None
        self.CLASSES, self.PALETTE = self.get_classes_and_palette(
            classes, palette)
        self.gt_seg_map_loader = LoadAnnotations(
            **(gt_seg_map_loader_cfg or {}))
        self.file_client_args = file_client_args
        self.backend_args = _backend_args(file_client_args)
        self._label_warning_given = False
        if test_mode and self.CLASSES is None:
            raise InvalidArgumentError(
                f'{type(self).__name__} has no CLASSES: pass classes=[...] '
                'to test or evaluate it')

        if data_root is not None and not fileio.exists(
                data_root, backend_args=self.backend_args):
            raise FileNotFoundError(
                f"data_root '{data_root}' does not exist; point data_root "
                'in the dataset config at the dataset folder')
        self.img_dir = self._under_root(img_dir)
        self.ann_dir = self._under_root(ann_dir)
        self.split = self._under_root(split)
        self.img_infos = self.load_annotations(self.img_dir, self.img_suffix,
                                               self.ann_dir,
                                               self.seg_map_suffix,
                                               self.split)

    def _under_root(self, path: Optional[str]) -> Optional[str]:
        if path is None or self.data_root is None or osp.isabs(path):
            return path
        return osp.join(self.data_root, path)

    def __len__(self) -> int:
        return len(self.img_infos)

    @property
    def metainfo(self) -> dict:
        """Class names and palette; mmengine stores them in checkpoints."""
        return dict(classes=self.CLASSES, palette=self.PALETTE)

    # ------------------------------------------------------------- loading

    def _scan(self, folder: str, suffix: str, role: str) -> List[str]:
        """Sorted paths (relative to ``folder``) of files ending in
        ``suffix``; ``role`` names the config key in errors."""
        if not fileio.isdir(folder, backend_args=self.backend_args):
            raise FileNotFoundError(
                f"{role} '{folder}' does not exist; check data_root and "
                f'{role} in the dataset config')
        return sorted(fileio.list_dir_or_file(
            folder, list_dir=False, suffix=suffix, recursive=True,
            backend_args=self.backend_args))

    def _read_split(self, split: str) -> List[str]:
        if not fileio.exists(split, backend_args=self.backend_args):
            raise FileNotFoundError(
                f"split file '{split}' does not exist; check split (relative "
                'to data_root) in the dataset config')
        names = [line.strip() for line in fileio.list_from_file(
            split, backend_args=self.backend_args)]
        names = [name for name in names if name]
        if not names:
            raise ValueError(f"split file '{split}' lists no image name")
        return names

    def load_annotations(self, img_dir: str, img_suffix: str,
                         ann_dir: Optional[str], seg_map_suffix: str,
                         split: Optional[str]) -> List[dict]:
        """List the samples and check that every image has its label map.

        Args:
            img_dir: Image folder.
            img_suffix: Image file suffix.
            ann_dir: Label folder, or None.
            seg_map_suffix: Label file suffix.
            split: Split file, or None to take every image of ``img_dir``.

        Returns:
            One ``dict(filename=..., ann=dict(seg_map=...))`` per image
            (``ann`` only with ``ann_dir``); paths relative to the folders.
        """
        images = self._scan(img_dir, img_suffix, 'img_dir')
        if split is None:
            if not images:
                raise FileNotFoundError(
                    f"img_dir '{img_dir}' holds no '*{img_suffix}' image; "
                    'check img_dir and img_suffix in the dataset config')
            names = [image[:-len(img_suffix)] for image in images]
        else:
            names = self._read_split(split)
            found = set(images)
            missing = [n for n in names if n + img_suffix not in found]
            if missing:
                raise FileNotFoundError(
                    f"image '{osp.join(img_dir, missing[0] + img_suffix)}' "
                    f"listed in split '{split}' does not exist ({len(missing)}"
                    ' missing); check img_dir, img_suffix and the split file')

        infos = [dict(filename=name + img_suffix) for name in names]
        if ann_dir is not None:
            labels = set(self._scan(ann_dir, seg_map_suffix, 'ann_dir'))
            missing = [n for n in names if n + seg_map_suffix not in labels]
            if missing:
                raise FileNotFoundError(
                    f"ann_dir '{ann_dir}' has {len(labels)} "
                    f"'*{seg_map_suffix}' files for {len(names)} images; "
                    f"the first image without one is '{missing[0]}"
                    f"{img_suffix}' (expected "
                    f"'{osp.join(ann_dir, missing[0] + seg_map_suffix)}'); "
                    'check ann_dir and seg_map_suffix')
            for info, name in zip(infos, names):
                info['ann'] = dict(seg_map=name + seg_map_suffix)
        print_log(f'Loaded {len(infos)} images', logger='current')
        return infos

    def get_ann_info(self, idx: int) -> dict:
        """``dict(seg_map=...)`` of sample ``idx``."""
        return self.img_infos[idx]['ann']

    def pre_pipeline(self, results: dict) -> None:
        """Add the folders and the class remapping to ``results``."""
        results['seg_fields'] = []
        results['img_prefix'] = self.img_dir
        results['seg_prefix'] = self.ann_dir
        if self.custom_classes:
            results['label_map'] = self.label_map

    def prepare_train_img(self, idx: int) -> dict:
        """Sample ``idx`` with its label map, through the pipeline.

        Label values outside the classes (and not ``ignore_index``) become
        ``ignore_index``, with one warning per dataset.
        """
        results = dict(img_info=self.img_infos[idx],
                       ann_info=self.get_ann_info(idx))
        self.pre_pipeline(results)
        results = self.pipeline(results)
        if results is not None and 'gt_semantic_seg' in results:
            seg = results['gt_semantic_seg']
            bad = self._outside_classes(seg)
            if bad.any():
                self._warn_labels(seg[bad], self._gt_path(idx), 'training')
                seg[bad] = self.ignore_index
        return results

    def prepare_test_img(self, idx: int) -> dict:
        """Sample ``idx`` without its label map, through the pipeline."""
        results = dict(img_info=self.img_infos[idx])
        self.pre_pipeline(results)
        return self.pipeline(results)

    def __getitem__(self, idx: int) -> dict:
        """Pipeline output of sample ``idx``, plus ``'sample_idx': idx``."""
        if self.test_mode:
            results = self.prepare_test_img(idx)
        else:
            results = self.prepare_train_img(idx)
        if results is not None:
            results['sample_idx'] = idx
        return results

    # ------------------------------------------------------------- classes

    def get_classes_and_palette(self, classes=None, palette=None):
        """Class names and palette, honouring a class subset.

        A subset of ``CLASSES`` sets ``self.label_map`` (old id -> new id,
        -1 for dropped classes, which become 255 in loaded labels).

        Args:
            classes: None (keep ``CLASSES``), a sequence of names, or the
                path of a file with one name per line.
            palette: RGB colours; see :meth:`get_palette_for_custom_classes`.

        Returns:
            ``(class names, palette)``.
        """
        if classes is None:
            self.custom_classes = False
            return self.CLASSES, self.PALETTE
        self.custom_classes = True
        if isinstance(classes, str):
            class_names = fileio.list_from_file(classes)
        elif isinstance(classes, (tuple, list)):
            class_names = classes
        else:
            raise ValueError(f'Unsupported type {type(classes)} of classes.')

        if self.CLASSES:
            unknown = [c for c in class_names if c not in self.CLASSES]
            if unknown:
                raise ValueError(f'classes {unknown} are not in the '
                                 f'{type(self).__name__} CLASSES')
            self.label_map = {
                old_id: class_names.index(c) if c in class_names else -1
                for old_id, c in enumerate(self.CLASSES)}
        return class_names, self.get_palette_for_custom_classes(
            class_names, palette)

    def get_palette_for_custom_classes(self, class_names, palette=None):
        """Palette of ``class_names``.

        With a class subset the matching rows of ``PALETTE`` are used;
        otherwise ``palette``, else ``PALETTE``, else random colours.
        """
        if self.label_map is not None and self.PALETTE is not None:
            kept = sorted((new_id, old_id)
                          for old_id, new_id in self.label_map.items()
                          if new_id != -1)
            return [self.PALETTE[old_id] for _, old_id in kept]
        if palette is not None:
            return palette
        if self.PALETTE is not None:
            return self.PALETTE
        return _random_palette(len(class_names))

    # ---------------------------------------------------------- evaluation

    def _num_classes(self) -> int:
        if self.CLASSES is None:
            raise ValueError(f'{type(self).__name__} has no CLASSES: pass '
                             'classes=[...] to evaluate it')
        return len(self.CLASSES)

    def _gt_path(self, idx: int) -> str:
        return osp.join(self.ann_dir, self.get_ann_info(idx)['seg_map'])

    def get_gt_seg_map_by_idx(self, index: int) -> np.ndarray:
        """Label map of sample ``index`` as loaded for evaluation."""
        results = dict(ann_info=self.get_ann_info(index))
        self.pre_pipeline(results)
        self.gt_seg_map_loader(results)
        return results['gt_semantic_seg']

    def get_gt_seg_maps(self, efficient_test=None) -> Iterable[np.ndarray]:
        """Label maps of all samples, loaded one at a time.

        ``efficient_test`` is accepted for 0.28 compatibility and unused.
        """
        if efficient_test is not None:
            warnings.warn('efficient_test is deprecated and has no effect: '
                          'label maps are always loaded lazily')
        for idx in range(len(self)):
            yield self.get_gt_seg_map_by_idx(idx)

    def _eval_label(self, seg_map: np.ndarray, source: str) -> np.ndarray:
        """Label map in evaluation ids: zero label reduced if asked, values
        outside ``[0, num_classes)`` (except ``ignore_index``) ignored."""
        label = np.asarray(seg_map).astype(np.int64)
        if self.reduce_zero_label:
            label = np.where(label == 0, 255, label - 1)
            label[label == 254] = 255
        bad = self._outside_classes(label)
        if bad.any():
            self._warn_labels(label[bad], source, 'evaluation')
            label[bad] = self.ignore_index
        return label

    def _outside_classes(self, label):
        """Mask of values that are neither a class nor ``ignore_index``."""
        return (label != self.ignore_index) & ((label < 0) |
                                              (label >= self._num_classes()))

    def _warn_labels(self, values, source: str, where: str) -> None:
        if self._label_warning_given:
            return
        self._label_warning_given = True
        found = sorted({int(v) for v in values.reshape(-1).tolist()})
        warnings.warn(
            f'{source}: label values {found} are outside [0, '
            f'{self._num_classes()}) and are not ignore_index='
            f'{self.ignore_index}; they are ignored in {where} (check '
            'classes, reduce_zero_label and the label files). Shown once '
            'per dataset.')

    def pre_eval(self, preds, indices) -> list:
        """Per-image areas for the metrics, computed batch by batch.

        Args:
            preds: Label map(s) ``(H, W)`` at the original image size.
            indices: Dataset index (indices) of ``preds``.

        Returns:
            One ``(area_intersect, area_union, area_pred, area_label)``
            tuple per prediction.
        """
        if not isinstance(indices, list):
            indices = [indices]
        if not isinstance(preds, list):
            preds = [preds]
        num_classes = self._num_classes()
        return [
            intersect_and_union(
                pred,
                self._eval_label(self.get_gt_seg_map_by_idx(index),
                                 self._gt_path(index)),
                num_classes, self.ignore_index, label_map=dict(),
                reduce_zero_label=False)
            for pred, index in zip(preds, indices)
        ]

    def format_results(self, results, imgfile_prefix, indices=None,
                       **kwargs):
        """Write results in the benchmark's submission format."""
        raise NotImplementedError(
            f'{type(self).__name__} has no submission format')

    def evaluate(self,
                 results: list,
                 metric: Union[str, Sequence[str]] = 'mIoU',
                 logger=None,
                 gt_seg_maps: Optional[Iterable[np.ndarray]] = None,
                 **kwargs) -> Dict[str, float]:
        """Compute, print and return the metrics.

        Args:
            results: ``pre_eval`` area tuples, or label maps (arrays or
                ``.npy`` paths) in dataset order.
            metric: 'mIoU', 'mDice', 'mFscore' or a list of them.
            logger: Where tables are printed (``print_log`` semantics).
            gt_seg_maps: Label maps to use instead of this dataset's (for
                label-map results).
            **kwargs: ``class_table_on_console=False`` sends the per-class
                table to the log file only (with ``logger='current'``).

        Returns:
            ``aAcc``, ``m<Metric>`` and ``<Metric>.<class>`` as fractions,
            rounded to 4 decimals.
        """
        metrics = [metric] if isinstance(metric, str) else list(metric)
        if not set(metrics).issubset(ALLOWED_METRICS):
            raise KeyError(f'metric {metrics} is not supported; choose from '
                           f'{list(ALLOWED_METRICS)}')
        if len(results) == 0:
            raise ValueError('no results to evaluate')
        label_maps = all(isinstance(r, (np.ndarray, torch.Tensor, str))
                         for r in results)
        if label_maps:
            if gt_seg_maps is None:
                gt_seg_maps = self.get_gt_seg_maps()
            source = f"ground truth of ann_dir '{self.ann_dir}'"
            gts = (self._eval_label(gt, source) for gt in gt_seg_maps)
            values = eval_metrics(results, gts, self._num_classes(),
                                  self.ignore_index, metrics)
        else:
            values = pre_eval_to_metrics(results, metrics)
        class_names = self.CLASSES
        if class_names is None:  # pre_eval results of an unnamed dataset
            per_class = next(v for k, v in values.items() if k != 'aAcc')
            class_names = tuple(range(len(per_class)))
        return self._report(values, class_names, logger,
                            kwargs.get('class_table_on_console', True))

    @staticmethod
    def _report(values: Dict[str, np.ndarray], class_names: Sequence,
                logger, class_table_on_console: bool = True
                ) -> Dict[str, float]:
        """Print the per-class and summary tables; return the 0.28 dict.

        With ``class_table_on_console=False`` and the 'current' logger (the
        validations during training) the per-class table goes to the log
        file only.
        """
        summary = {key: np.round(_nanmean(value) * 100, 2)
                   for key, value in values.items()}
        per_class = {key: np.round(value * 100, 2)
                     for key, value in values.items() if key != 'aAcc'}

        class_table = PrettyTable()
        class_table.add_column('Class', list(class_names))
        for key, value in per_class.items():
            class_table.add_column(key, list(value))
        summary_table = PrettyTable()
        for key, value in summary.items():
            summary_table.add_column(key if key == 'aAcc' else 'm' + key,
                                     [value])
        if class_table_on_console or logger != 'current':
            print_log('per class results:', logger)
            print_log('\n' + class_table.get_string(), logger=logger)
        else:
            MMLogger.get_current_instance().info(
                'per class results:\n' + class_table.get_string(),
                extra=dict(only='file'))
        print_log('Summary:', logger)
        print_log('\n' + summary_table.get_string(), logger=logger)

        results = {(key if key == 'aAcc' else 'm' + key): value / 100.0
                   for key, value in summary.items()}
        for key, value in per_class.items():
            results.update({f'{key}.{name}': value[i] / 100.0
                            for i, name in enumerate(class_names)})
        return results

    # ------------------------------------------------------------- output

    def _save_label_pngs(self, results: list, imgfile_prefix: str,
                         indices: Optional[List[int]],
                         encode: Callable[[np.ndarray], Image.Image]
                         ) -> List[str]:
        """Save ``encode(result)`` as ``<imgfile_prefix>/<image name>.png``.

        Args:
            results: Label maps (or ``.npy`` paths).
            imgfile_prefix: Output folder.
            indices: Dataset indices of ``results`` (default: all, in order).
            encode: Turns a label map into the image to save.

        Returns:
            The written paths.
        """
        if indices is None:
            indices = list(range(len(self)))
        mkdir_or_exist(imgfile_prefix)
        files = []
        for result, index in zip(results, indices):
            if isinstance(result, str):
                result = np.load(result)
            image_name = osp.basename(self.img_infos[index]['filename'])
            path = osp.join(imgfile_prefix,
                            osp.splitext(image_name)[0] + '.png')
            encode(np.asarray(result)).save(path)
            files.append(path)
        return files

    def show_prediction(self, index: int, pred: np.ndarray, out_dir: str,
                        opacity: float = 0.5) -> str:
        """Save the image of sample ``index`` overlaid with ``pred``.

        The panels are titled "prediction" and, with an annotation,
        "ground truth" (on the right); below them a legend names the
        colour of every class shown in either.

        Args:
            index: Dataset index.
            pred: Label map ``(H, W)`` at the image size.
            out_dir: Output folder; sub-folders of ``img_dir`` are kept.
            opacity: Weight of the class colours.

        Returns:
            The written path.
        """
        filename = self.img_infos[index]['filename']
        img = mmcv.imread(osp.join(self.img_dir, filename),
                          backend_args=self.backend_args)
        pred = np.asarray(pred)
        maps = [('prediction', pred)]
        if self.ann_dir is not None:
            maps.append(('ground truth', self.get_gt_seg_map_by_idx(index)))
        palette = self.PALETTE
        if palette is None:
            palette = _random_palette(
                max(int(m[m != self.ignore_index].max(initial=0))
                    for _, m in maps) + 1)
        shown = np.unique(np.concatenate([m.ravel() for _, m in maps]))
        shown = [int(c) for c in shown if 0 <= c < len(palette)]
        names = self.CLASSES or ()
        entries = [(names[c] if c < len(names) else str(c), palette[c])
                   for c in shown]
        figure = labelled_panels(
            [(title, overlay(img, m, palette, opacity)) for title, m in maps],
            entries)
        path = osp.join(out_dir, osp.splitext(filename)[0] + '.png')
        mmcv.imwrite(figure, path)
        return path
