import warnings
from abc import ABCMeta, abstractmethod
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np
import torch
import torch.distributed as dist
from mmengine.config import ConfigDict
from mmengine.model import BaseModel

from mmseg.core.visualization import blend


def as_config(cfg: Optional[dict]) -> Optional[ConfigDict]:
    """Attribute access for train/test configs given as plain dicts."""
    return None if cfg is None else ConfigDict(cfg)


class BaseSegmentor(BaseModel, metaclass=ABCMeta):
    """Base class of segmentors: the 0.28 API on an mmengine ``BaseModel``.

    ``forward(img, img_metas, return_loss=True)`` behaves as in 0.28, and
    mmengine's ``mode`` argument ('loss', 'predict', 'tensor') lets the
    Runner and ``MMDistributedDataParallel`` drive the same model. What a
    NaN/inf loss does is the engine's business (``NonFiniteLossHook``).

    ``CLASSES`` and ``PALETTE`` are set from a checkpoint's meta by
    ``init_segmentor``; ``show_result`` draws with them.
    """

    CLASSES: Optional[Sequence[str]] = None
    PALETTE: Optional[Sequence[Sequence[int]]] = None
    channels_last = False

    def __init__(self, init_cfg=None, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)

    @property
    def with_neck(self) -> bool:
        return getattr(self, 'neck', None) is not None

    @property
    def with_auxiliary_head(self) -> bool:
        return getattr(self, 'auxiliary_head', None) is not None

    @property
    def with_decode_head(self) -> bool:
        return getattr(self, 'decode_head', None) is not None

    def heads(self) -> List[torch.nn.Module]:
        """The decode heads (every stage of a cascade), then the auxiliary
        heads: what the CAC hooks and the tools walk over."""
        found = []
        for attr in ('decode_head', 'auxiliary_head'):
            heads = getattr(self, attr, None)
            if heads is not None:
                found += list(heads) if isinstance(
                    heads, torch.nn.ModuleList) else [heads]
        return found

    @abstractmethod
    def extract_feat(self, img: torch.Tensor):
        """Backbone (and neck) features."""

    @abstractmethod
    def encode_decode(self, img: torch.Tensor, img_metas: List[dict]):
        """Logits at the input resolution."""

    @abstractmethod
    def forward_train(self, img, img_metas, gt_semantic_seg, **kwargs):
        """Dict of losses for a batch."""

    @abstractmethod
    def simple_test(self, img, img_meta, rescale=True, **kwargs):
        """Predictions from one scale."""

    @abstractmethod
    def aug_test(self, imgs, img_metas, rescale=True, **kwargs):
        """Predictions averaged over augmentations."""

    def forward_test(self, imgs, img_metas, **kwargs) -> List[np.ndarray]:
        """Predict from one (``simple_test``) or several augmented views.

        Args:
            imgs: A list with one (N, C, H, W) batch per augmentation; a bare
                tensor counts as a single view.
            img_metas: A list (per augmentation) of lists of meta dicts.
        """
        if isinstance(imgs, torch.Tensor):
            imgs, img_metas = [imgs], [img_metas]
        if not isinstance(imgs, list) or not isinstance(img_metas, list):
            raise TypeError('imgs and img_metas must be lists, got '
                            f'{type(imgs)} and {type(img_metas)}')
        if len(imgs) != len(img_metas):
            raise ValueError(f'got {len(imgs)} image views but '
                             f'{len(img_metas)} meta lists')
        for metas in img_metas:
            ori_shapes = {tuple(m['ori_shape']) for m in metas}
            img_shapes = {tuple(m['img_shape']) for m in metas}
            pad_shapes = {tuple(m['pad_shape']) for m in metas}
            assert len(ori_shapes) == len(img_shapes) == \
                len(pad_shapes) == 1, \
                'images of a test batch must share their shapes'
        if len(imgs) == 1:
            return self.simple_test(imgs[0], img_metas[0], **kwargs)
        return self.aug_test(imgs, img_metas, **kwargs)

    def forward(self,
                img,
                img_metas=None,
                gt_semantic_seg=None,
                return_loss: bool = True,
                mode: Optional[str] = None,
                **kwargs):
        """0.28 entry point, also driven by mmengine's ``mode``.

        Args:
            img: Images, (N, C, H, W) for training, a list per view for test.
            img_metas: Meta dicts matching ``img``.
            gt_semantic_seg: Labels (N, 1, H, W), training only.
            return_loss: 0.28 switch between training and testing.
            mode: 'loss', 'predict' or 'tensor' (mmengine); overrides
                ``return_loss`` when given.
        """
        kwargs.pop('sample_idx', None)
        if self.channels_last:
            img = [i.contiguous(memory_format=torch.channels_last)
                   for i in img] if isinstance(img, list) \
                else img.contiguous(memory_format=torch.channels_last)
        if mode is None:
            mode = 'loss' if return_loss else 'predict'
        if mode == 'loss':
            return self.forward_train(img, img_metas, gt_semantic_seg,
                                      **kwargs)
        if mode == 'predict':
            return self.forward_test(img, img_metas, **kwargs)
        if mode == 'tensor':
            return self.encode_decode(img, img_metas)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')

    def train_step(self, data, optim_wrapper):
        """mmengine's step; called 0.28's way (``optimizer`` None or a torch
        optimizer) it returns 0.28's dict and leaves the update to the caller.

        Returns:
            mmengine: the logged values. 0.28: ``loss``, ``log_vars``,
            ``num_samples``.
        """
        if optim_wrapper is None or isinstance(optim_wrapper,
                                               torch.optim.Optimizer):
            return self._legacy_step(data, prefix='')
        return super().train_step(data, optim_wrapper)

    def val_step(self, data, *optimizer):
        """mmengine's ``val_step(data)``; 0.28's ``val_step(data,
        optimizer)`` returns the losses dict with ``val.`` log keys."""
        if optimizer:
            return self._legacy_step(data, prefix='val.')
        return super().val_step(data)

    def _legacy_step(self, data: dict, prefix: str) -> dict:
        loss, log_vars = self.parse_losses(self(**data))
        log_vars = {prefix + k: v for k, v in log_vars.items()}
        return dict(loss=loss, log_vars=log_vars,
                    num_samples=len(data['img_metas']))

    def parse_losses(
        self, losses: Dict[str, torch.Tensor]
    ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Sum every entry whose key contains 'loss'.

        Returns:
            The total loss and the logged values (means, averaged over ranks
            when distributed).
        """
        log_vars = OrderedDict()
        for name, value in losses.items():
            if isinstance(value, torch.Tensor):
                log_vars[name] = value.mean()
            elif isinstance(value, list):
                log_vars[name] = sum(v.mean() for v in value)
            else:
                raise TypeError(f'{name} is not a tensor or list of tensors')
        loss = sum(v for k, v in log_vars.items() if 'loss' in k)
        log_vars['loss'] = loss
        if dist.is_available() and dist.is_initialized():
            world_size = dist.get_world_size()
            for name, value in log_vars.items():
                value = value.detach().clone()
                dist.all_reduce(value.div_(world_size))
                log_vars[name] = value
        else:
            log_vars = OrderedDict(
                (k, v.detach()) for k, v in log_vars.items())
        return loss, log_vars

    def show_result(self,
                    img: Union[str, np.ndarray],
                    result: Sequence[np.ndarray],
                    palette: Optional[Sequence[Sequence[int]]] = None,
                    win_name: str = '',
                    show: bool = False,
                    wait_time: int = 0,
                    out_file: Optional[str] = None,
                    opacity: float = 0.5) -> Optional[np.ndarray]:
        """Draw the first label map of ``result`` over ``img`` (0.28 API).

        Args:
            img: Image file or BGR array.
            result: Label maps, e.g. ``inference_segmentor``'s output; the
                first one is drawn.
            palette: RGB colour per class; default ``self.PALETTE``, else
                fixed random colours (seed 42) per class.
            win_name: Window title when shown.
            show: Show the image in a window (not when ``out_file`` is
                given).
            wait_time: ``waitKey`` delay of the window.
            out_file: Write the image there.
            opacity: Weight of the class colours, in (0, 1].

        Returns:
            The BGR drawing when it is neither shown nor written, else None.
        """
        img = mmcv.imread(img).copy()
        seg = np.asarray(result[0])
        num_classes = len(self.CLASSES) if self.CLASSES is not None \
            else getattr(self, 'num_classes', int(seg.max()) + 1)
        if palette is None:
            palette = self.PALETTE
        if palette is None:
            # 0.28's colours, without touching numpy's global random state
            palette = np.random.RandomState(42).randint(
                0, 255, size=(num_classes, 3))
        palette = np.asarray(palette)
        if palette.ndim != 2 or palette.shape != (num_classes, 3):
            raise ValueError(f'show_result: palette of shape {palette.shape}'
                             f', expected ({num_classes}, 3): one RGB '
                             'colour per class')
        if not 0 < opacity <= 1:
            raise ValueError(f'show_result: opacity {opacity} must be in '
                             '(0, 1]')
        img = blend(img, seg, palette, opacity)
        if out_file is not None:
            show = False
            mmcv.imwrite(img, out_file)
        if show:
            mmcv.imshow(img, win_name, wait_time)
        if not (show or out_file):
            warnings.warn('show_result: neither shown nor written to an '
                          'out_file; the drawing is only returned')
            return img
        return None
