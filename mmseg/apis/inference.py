"""Build a segmentor from a config (+ checkpoint) and run it on images."""
import copy
import warnings
from typing import List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
from mmengine.config import Config

from mmseg.datasets.collate import seg_collate
from mmseg.datasets.pipelines import Compose
from mmseg.models import build_segmentor
from mmseg.models.decode_heads.cac_head import drop_cac_branches
from mmseg.utils import load_weights


def init_segmentor(config: Union[str, Config],
                   checkpoint: Optional[str] = None,
                   device: str = 'cpu',
                   cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """A segmentor in eval mode, with ``model.cfg`` set.

    Args:
        config: Config file or object.
        checkpoint: Weights (loaded strictly); None keeps the random init.
        device: Where to put the model.
        cfg_options: Config overrides.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) \
        else copy.deepcopy(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.model.pretrained = None
    cfg.model.train_cfg = None
    model = build_segmentor(cfg.model)
    if checkpoint is not None:
        meta = load_weights(model, checkpoint, strict=True,
                            drop=drop_cac_branches)
        model.CLASSES = meta.get('CLASSES')
        model.PALETTE = meta.get('PALETTE')
    model.cfg = cfg
    return model.to(device).eval()


def prepare_inputs(cfg: Config, imgs: Sequence) -> dict:
    """Test-pipeline batch for image files or BGR arrays."""
    steps = copy.deepcopy(cfg.data.test.pipeline)
    from_file = Compose(steps)
    # arrays skip the loading step: the image is already decoded
    from_array = Compose(steps[1:]) \
        if steps[0]['type'] == 'LoadImageFromFile' else from_file
    samples = []
    for img in imgs:
        if isinstance(img, np.ndarray):
            samples.append(from_array(dict(
                img=img, img_shape=img.shape, ori_shape=img.shape,
                filename=None, ori_filename=None)))
        else:
            samples.append(from_file(dict(img_info=dict(filename=img),
                                          img_prefix=None)))
    return seg_collate(samples)


@torch.inference_mode()
def inference_segmentor(model: torch.nn.Module,
                        imgs) -> List[np.ndarray]:
    """Label maps of one image (file or BGR array) or of a list of them."""
    imgs = imgs if isinstance(imgs, (list, tuple)) else [imgs]
    batch = prepare_inputs(model.cfg, imgs)
    device = next(model.parameters()).device
    views = [v.to(device) for v in batch['img']]
    return model(views, batch['img_metas'], mode='predict')


def show_result_pyplot(model: torch.nn.Module,
                       img: Union[str, np.ndarray],
                       result: Sequence[np.ndarray],
                       palette: Optional[Sequence[Sequence[int]]] = None,
                       fig_size: Tuple[float, float] = (15, 10),
                       opacity: float = 0.5,
                       title: str = '',
                       block: bool = True,
                       out_file: Optional[str] = None) -> None:
    """Show ``result`` drawn over ``img`` in a matplotlib figure (0.28 API).

    Args:
        model: The segmentor (or a wrapper with ``.module``).
        img: Image file or BGR array.
        result: Label maps from ``inference_segmentor``; the first is drawn.
        palette: RGB colour per class (default: the model's).
        fig_size: Figure size in inches.
        opacity: Weight of the class colours, in (0, 1].
        title: Figure title.
        block: Whether ``plt.show`` blocks.
        out_file: Also write the drawing (BGR, full resolution) there.
    """
    import matplotlib.pyplot as plt
    model = getattr(model, 'module', model)
    with warnings.catch_warnings():  # returning the drawing is the point
        warnings.simplefilter('ignore', UserWarning)
        drawn = model.show_result(img, result, palette=palette, show=False,
                                  opacity=opacity)
    plt.figure(figsize=fig_size)
    plt.imshow(mmcv.bgr2rgb(drawn))
    plt.title(title)
    plt.tight_layout()
    plt.show(block=block)
    if out_file is not None:
        mmcv.imwrite(drawn, out_file)
