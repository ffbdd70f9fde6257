"""Cityscapes (19 train classes) with the official evaluation."""
import os.path as osp
import shutil
import tempfile
import types
from functools import lru_cache
from typing import Dict, List, Optional

import numpy as np
from mmengine import fileio
from mmengine.logging import print_log
from PIL import Image

from mmseg.core.evaluation.class_names import (
    cityscapes_classes,
    cityscapes_palette,
)
from mmseg.registry import DATASETS

from .custom import CustomDataset


@lru_cache(maxsize=None)
def _train_id_to_label_id() -> np.ndarray:
    """Lookup table train id -> Cityscapes label id (other values kept)."""
    from cityscapesscripts.helpers.labels import trainId2label
    table = np.arange(256, dtype=np.uint8)
    for train_id, label in trainId2label.items():
        if 0 <= train_id < 256 and label.id >= 0:
            table[train_id] = label.id
    return table


@lru_cache(maxsize=None)
def _label_id_palette() -> List[int]:
    """Flat PIL palette with the official colour of every label id."""
    from cityscapesscripts.helpers.labels import id2label
    palette = np.zeros((256, 3), dtype=np.uint8)
    for label_id, label in id2label.items():
        if label_id >= 0:
            palette[label_id] = label.color
    return palette.flatten().tolist()


class _NumpyWithIn1d(types.ModuleType):
    """numpy plus ``in1d``, which numpy 2.4 removed and cityscapesscripts
    2.3 still calls; given to cityscapesscripts' evaluation module only."""

    def __getattr__(self, name: str):
        return getattr(np, name)

    @staticmethod
    def in1d(ar1, ar2, assume_unique=False, invert=False) -> np.ndarray:
        return np.isin(ar1, ar2, assume_unique=assume_unique,
                       invert=invert).ravel()


@DATASETS.register_module()
class CityscapesDataset(CustomDataset):
    """Cityscapes: ``*_leftImg8bit.png`` images with
    ``*_gtFine_labelTrainIds.png`` labels (train ids 0..18, 255 ignored).

    ``metric='cityscapes'`` runs cityscapesscripts' pixel-level evaluation
    on label-id PNGs against the ``*_gtFine_labelIds.png`` files of
    ``ann_dir``.
    """

    CLASSES = tuple(cityscapes_classes())
    PALETTE = cityscapes_palette()

    def __init__(self,
                 img_suffix: str = '_leftImg8bit.png',
                 seg_map_suffix: str = '_gtFine_labelTrainIds.png',
                 **kwargs):
        super().__init__(img_suffix=img_suffix,
                         seg_map_suffix=seg_map_suffix, **kwargs)

    @staticmethod
    def _convert_to_label_id(result) -> np.ndarray:
        """Train-id label map (or ``.npy`` path) -> Cityscapes label ids."""
        if isinstance(result, str):
            result = np.load(result)
        return _train_id_to_label_id()[result].astype(result.dtype)

    def results2img(self, results: list, imgfile_prefix: str,
                    to_label_id: bool,
                    indices: Optional[List[int]] = None) -> List[str]:
        """Save label maps as ``<imgfile_prefix>/<image name>.png``.

        Args:
            results: Train-id label maps (or ``.npy`` paths).
            imgfile_prefix: Output folder.
            to_label_id: Write Cityscapes label ids (for the official
                evaluation and the benchmark server) instead of train ids.
            indices: Dataset indices of ``results`` (default: all).

        Returns:
            The written paths.
        """
        palette = _label_id_palette()

        def encode(result: np.ndarray) -> Image.Image:
            if to_label_id:
                result = self._convert_to_label_id(result)
            image = Image.fromarray(result.astype(np.uint8)).convert('P')
            image.putpalette(palette)
            return image

        return self._save_label_pngs(results, imgfile_prefix, indices,
                                     encode)

    def format_results(self, results: list, imgfile_prefix: str,
                       to_label_id: bool = True,
                       indices: Optional[List[int]] = None) -> List[str]:
        """Write results as the Cityscapes benchmark expects them.

        Args:
            results: Train-id label maps (or ``.npy`` paths).
            imgfile_prefix: Output folder.
            to_label_id: Convert train ids to label ids.
            indices: Dataset indices of ``results`` (default: all).

        Returns:
            The written PNG paths.
        """
        return self.results2img(results, imgfile_prefix, to_label_id,
                                indices)

    def evaluate(self, results: list, metric='mIoU', logger=None,
                 imgfile_prefix: Optional[str] = None,
                 gt_seg_maps=None, **kwargs) -> Dict:
        """Evaluate with the default metrics and/or the official protocol.

        Args:
            results: ``pre_eval`` area tuples or label maps; for
                'cityscapes' alone also the files written by
                :meth:`format_results` into ``imgfile_prefix``.
            metric: 'mIoU', 'mDice', 'mFscore', 'cityscapes' or a list;
                'cityscapes' compares with the ``*_gtFine_labelIds.png``
                files of the dataset's images.
            logger: Where tables are printed.
            imgfile_prefix: Folder of the label-id PNGs for 'cityscapes'
                (label maps in ``results`` are written there first; a
                temporary folder is used when None).
            gt_seg_maps: Label maps replacing this dataset's for the
                default metrics (as in :meth:`CustomDataset.evaluate`).
            **kwargs: Passed to :meth:`CustomDataset.evaluate`.

        Returns:
            The metrics; 'cityscapes' adds cityscapesscripts' result dict
            (``averageScoreCategories``, ``classScores``, ...).
        """
        metrics = list(metric) if isinstance(metric, (list, tuple)) else [
            metric]
        eval_results = {}
        if 'cityscapes' in metrics:
            metrics.remove('cityscapes')
            eval_results.update(
                self._evaluate_cityscapes(results, logger, imgfile_prefix))
        if metrics:
            eval_results.update(super().evaluate(
                results, metrics, logger, gt_seg_maps=gt_seg_maps,
                **kwargs))
        return eval_results

    def _evaluate_cityscapes(self, results: list, logger,
                             imgfile_prefix: Optional[str]) -> Dict:
        if all(isinstance(r, np.ndarray) for r in results):
            result_dir = imgfile_prefix or tempfile.mkdtemp()
            try:
                self.format_results(results, result_dir)
                return self._run_cityscapes_eval(result_dir, logger)
            finally:
                if imgfile_prefix is None:
                    shutil.rmtree(result_dir)
        if imgfile_prefix is None and all(
                isinstance(r, str) and r.endswith('.png') for r in results):
            imgfile_prefix = osp.dirname(results[0])
        if imgfile_prefix is None:
            raise ValueError(
                'metric "cityscapes" needs label maps, or imgfile_prefix=DIR '
                'where format_results wrote the label-id PNGs')
        return self._run_cityscapes_eval(imgfile_prefix, logger)

    def _run_cityscapes_eval(self, result_dir: str, logger) -> Dict:
        """cityscapesscripts' evaluation of the PNGs in ``result_dir``."""
        try:
            import cityscapesscripts.evaluation.evalPixelLevelSemanticLabeling as cs_eval  # noqa: E501
        except ImportError as error:
            raise ImportError('metric "cityscapes" needs cityscapesscripts: '
                              'pip install cityscapesscripts') from error
        print_log(f'Evaluating results under {result_dir} in Cityscapes '
                  'style ...', logger=logger)
        gt_files = self._label_id_files()
        pred_files = self._cityscapes_predictions(result_dir, gt_files)

        if not hasattr(cs_eval.np, 'in1d'):
            cs_eval.np = _NumpyWithIn1d('numpy')
        args = cs_eval.args  # module-level settings of cityscapesscripts
        args.predictionPath = osp.abspath(result_dir)
        args.predictionWalk = None  # drop the listing of an earlier call
        args.evalPixelAccuracy = True
        args.JSONOutput = False
        # instance-weighted scores need the *_gtFine_instanceIds.png files
        args.evalInstLevelScore = all(
            osp.isfile(f.replace('labelIds', 'instanceIds'))
            for f in gt_files)
        try:
            return cs_eval.evaluateImgLists(pred_files, gt_files, args)
        except SystemExit as error:  # cityscapesscripts exits on errors
            raise RuntimeError(
                'cityscapesscripts failed (see the ERROR line above) on '
                f"predictions in '{result_dir}'") from error

    def _label_id_files(self) -> List[str]:
        """The ``*_gtFine_labelIds.png`` file of every image."""
        if self.ann_dir is None:
            raise ValueError('metric "cityscapes" needs ann_dir (the gtFine '
                             'folder)')
        files = [
            osp.join(self.ann_dir, info['filename'][:-len(self.img_suffix)] +
                     '_gtFine_labelIds.png') for info in self.img_infos]
        missing = [f for f in files if not osp.isfile(f)]
        if missing:
            raise FileNotFoundError(
                f"'{missing[0]}' does not exist ({len(missing)} missing), "
                'which the cityscapes metric compares against; create the '
                'label-id files with cityscapesscripts')
        return files

    @staticmethod
    def _cityscapes_predictions(result_dir: str,
                                gt_files: List[str]) -> List[str]:
        """The prediction PNG of every ground-truth file, matched by
        ``<city>_<sequence>_<frame>`` as cityscapesscripts does."""

        def frame(path: str) -> str:
            return '_'.join(osp.basename(path).split('_')[:3])

        if not osp.isdir(result_dir):
            raise FileNotFoundError(
                f"prediction folder '{result_dir}' does not exist; write the "
                'predictions there with format_results first')
        by_frame = {}
        for name in fileio.list_dir_or_file(result_dir, list_dir=False,
                                            suffix='.png', recursive=True):
            if frame(name) in by_frame:
                raise ValueError(f"two predictions for '{frame(name)}' in "
                                 f"'{result_dir}'; use an empty folder")
            by_frame[frame(name)] = osp.join(result_dir, name)
        missing = [f for f in gt_files if frame(f) not in by_frame]
        if missing:
            raise FileNotFoundError(
                f"no prediction '{frame(missing[0])}*.png' in '{result_dir}' "
                f"for '{missing[0]}' ({len(missing)} missing); write them "
                'with format_results')
        return [by_frame[frame(f)] for f in gt_files]
