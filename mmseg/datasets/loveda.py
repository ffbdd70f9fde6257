"""LoveDA (land cover, 7 classes)."""
from typing import List, Optional

import numpy as np
from PIL import Image

from mmseg.core.evaluation.class_names import loveda_classes, loveda_palette
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class LoveDADataset(CustomDataset):
    """LoveDA: ``.png`` images and labels where 0 is no-data.

    ``reduce_zero_label`` is always True (0 ignored, 1..7 become 0..6).
    """

    CLASSES = tuple(loveda_classes())
    PALETTE = loveda_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.png', seg_map_suffix='.png',
                         reduce_zero_label=True, **kwargs)

    def format_results(self, results: list, imgfile_prefix: str,
                       indices: Optional[List[int]] = None) -> List[str]:
        """Save each label map (train ids 0..6) as
        ``<imgfile_prefix>/<image name>.png``, the form the LoveDA
        benchmark server takes.

        Returns:
            The written PNG paths.
        """
        if not isinstance(results, list):
            raise TypeError(f'results must be a list, got {type(results)}')

        def encode(result: np.ndarray) -> Image.Image:
            return Image.fromarray(result.astype(np.uint8))

        return self._save_label_pngs(results, imgfile_prefix, indices,
                                     encode)
