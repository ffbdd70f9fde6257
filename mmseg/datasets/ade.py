"""ADE20K (SceneParsing, 150 classes)."""
from typing import List, Optional

import numpy as np
from PIL import Image

from mmseg.core.evaluation.class_names import ade_classes, ade_palette
from mmseg.registry import DATASETS

from .custom import CustomDataset


@DATASETS.register_module()
class ADE20KDataset(CustomDataset):
    """ADE20K: ``.jpg`` images with ``.png`` labels where 0 is "other".

    ``reduce_zero_label`` is always True: 0 is ignored and classes 1..150
    become 0..149.
    """

    CLASSES = tuple(ade_classes())
    PALETTE = ade_palette()

    def __init__(self, **kwargs):
        super().__init__(img_suffix='.jpg', seg_map_suffix='.png',
                         reduce_zero_label=True, **kwargs)

    def results2img(self, results: list, imgfile_prefix: str,
                    to_label_id: bool,
                    indices: Optional[List[int]] = None) -> List[str]:
        """Save label maps as ``<imgfile_prefix>/<image name>.png`` with
        the official ids 1..150 (``to_label_id`` is accepted for API
        compatibility; ADE20K has a single id space)."""

        def encode(result: np.ndarray) -> Image.Image:
            return Image.fromarray((result + 1).astype(np.uint8))

        return self._save_label_pngs(results, imgfile_prefix, indices,
                                     encode)

    def format_results(self, results: list, imgfile_prefix: str,
                       to_label_id: bool = True,
                       indices: Optional[List[int]] = None) -> List[str]:
        """Write results in the ADE20K benchmark format (see
        :meth:`results2img`).

        Returns:
            The written PNG paths.
        """
        return self.results2img(results, imgfile_prefix, to_label_id,
                                indices)
