from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.core import add_prefix
from mmseg.models.builder import build_head
from mmseg.models.decode_heads.cac_head import CACOutputs
from mmseg.ops import resize
from mmseg.registry import MODELS

from .base import BaseSegmentor, as_config


@MODELS.register_module()
class EncoderDecoder(BaseSegmentor):
    """Backbone (+ neck) + decode head (+ auxiliary heads for training).

    Args:
        backbone: Backbone config.
        decode_head: Decode head config.
        neck: Neck config.
        auxiliary_head: Auxiliary head config, or a list of them.
        train_cfg: Training config handed to the heads.
        test_cfg: ``mode`` ('whole' or 'slide'; 'slide' also needs
            ``crop_size`` and ``stride``).
        pretrained: Backbone checkpoint.
        init_cfg: Initialisation config.
        data_preprocessor: mmengine data preprocessor config.
    """

    def __init__(self,
                 backbone: dict,
                 decode_head: dict,
                 neck: Optional[dict] = None,
                 auxiliary_head=None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 init_cfg=None,
                 data_preprocessor=None):
        super().__init__(init_cfg, data_preprocessor)
        if pretrained is not None:
            assert backbone.get('pretrained') is None, \
                'both backbone and segmentor set pretrained weight'
            backbone = dict(backbone, pretrained=pretrained)
        self.backbone = MODELS.build(backbone)
        if neck is not None:
            self.neck = MODELS.build(neck)
        self._init_decode_head(decode_head)
        self._init_auxiliary_head(auxiliary_head)
        self.train_cfg = as_config(train_cfg)
        self.test_cfg = as_config(test_cfg)
        assert self.with_decode_head

    def _init_decode_head(self, decode_head: dict) -> None:
        self.decode_head = build_head(decode_head)
        self._adopt_output_settings(self.decode_head)

    def _adopt_output_settings(self, head) -> None:
        """Take the output settings of the head that makes predictions."""
        self.align_corners = head.align_corners
        self.num_classes = head.num_classes
        self.out_channels = head.out_channels

    def _predict_head(self) -> nn.Module:
        head = self.decode_head
        return head[-1] if isinstance(head, nn.ModuleList) else head

    @property
    def threshold(self) -> Optional[float]:
        """Sigmoid threshold of the predicting head, read when predicting
        (as in 0.28, a change to the head's ``threshold`` takes effect)."""
        return self._predict_head().threshold

    @threshold.setter
    def threshold(self, value: Optional[float]) -> None:
        self._predict_head().threshold = value

    def _init_auxiliary_head(self, auxiliary_head) -> None:
        if isinstance(auxiliary_head, list):
            self.auxiliary_head = nn.ModuleList(
                build_head(cfg) for cfg in auxiliary_head)
        elif auxiliary_head is not None:
            self.auxiliary_head = build_head(auxiliary_head)

    def extract_feat(self, img: torch.Tensor) -> List[torch.Tensor]:
        x = self.backbone(img)
        return self.neck(x) if self.with_neck else x

    def encode_decode(self, img: torch.Tensor,
                      img_metas: List[dict]) -> torch.Tensor:
        """Logits resized to the input's size."""
        x = self.extract_feat(img)
        out = self._decode_head_forward_test(x, img_metas)
        return resize(out, size=img.shape[2:], mode='bilinear',
                      align_corners=self.align_corners)

    def _previous_logits(self, x: List[torch.Tensor],
                         img_metas: Optional[List[dict]]) -> tuple:
        """What the predicting head takes besides ``x``: nothing here, the
        previous stage's logits in a cascade."""
        return ()

    def cac_features(self, img: torch.Tensor) -> CACOutputs:
        """The predicting head's CAC outputs for ``img``.

        Runs the model as inference does (a cascade feeds the last stage the
        previous stage's logits); call it under ``torch.no_grad()`` in eval
        mode for test-time features.

        Args:
            img: Images (N, 3, H, W).

        Returns:
            ``CACOutputs(logits, projection, confidence_logits)`` at the
            head's output resolution.
        """
        head = self._predict_head()
        if not head.with_cac:
            raise ValueError(
                f'{type(head).__name__} has no CAC branches: cac_features '
                'needs a model built with cac=dict(...) on its (last) head')
        x = self.extract_feat(img)
        return head.cac_outputs(x, *self._previous_logits(x, None))

    def decoder_features(self, img: torch.Tensor) -> torch.Tensor:
        """What the predicting head feeds its classifier (``conv_seg``)
        for ``img``, at the head's output resolution.

        Args:
            img: Images (N, 3, H, W).

        Returns:
            Features (N, channels, h, w).
        """
        x = self.extract_feat(img)
        return self._predict_head().decoder_features(
            x, *self._previous_logits(x, None))

    def _decode_head_forward_train(self, x, img_metas, gt_semantic_seg):
        losses = self.decode_head.forward_train(x, img_metas,
                                                gt_semantic_seg,
                                                self.train_cfg)
        return add_prefix(losses, 'decode')

    def _decode_head_forward_test(self, x, img_metas):
        return self.decode_head.forward_test(x, img_metas, self.test_cfg)

    def _auxiliary_head_forward_train(self, x, img_metas, gt_semantic_seg):
        if not isinstance(self.auxiliary_head, nn.ModuleList):
            return add_prefix(
                self.auxiliary_head.forward_train(x, img_metas,
                                                  gt_semantic_seg,
                                                  self.train_cfg), 'aux')
        losses = dict()
        for idx, head in enumerate(self.auxiliary_head):
            losses.update(add_prefix(
                head.forward_train(x, img_metas, gt_semantic_seg,
                                   self.train_cfg), f'aux_{idx}'))
        return losses

    def forward_dummy(self, img: torch.Tensor) -> torch.Tensor:
        """Logits without metas (FLOPs counting, export)."""
        return self.encode_decode(img, None)

    def forward_train(
            self, img: torch.Tensor, img_metas: List[dict],
            gt_semantic_seg: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Losses of the decode head (``decode.*``) and auxiliary heads."""
        x = self.extract_feat(img)
        losses = self._decode_head_forward_train(x, img_metas,
                                                 gt_semantic_seg)
        if self.with_auxiliary_head:
            losses.update(
                self._auxiliary_head_forward_train(x, img_metas,
                                                   gt_semantic_seg))
        return losses

    def _rescale(self, seg_logit: torch.Tensor,
                 img_meta: List[dict]) -> torch.Tensor:
        """Crop the padding away and resize to the original image size."""
        h, w = img_meta[0]['img_shape'][:2]
        seg_logit = seg_logit[:, :, :h, :w]
        return resize(seg_logit, size=img_meta[0]['ori_shape'][:2],
                      mode='bilinear', align_corners=self.align_corners,
                      warning=False)

    def slide_inference(self, img: torch.Tensor, img_meta: List[dict],
                        rescale: bool) -> torch.Tensor:
        """Average the logits of overlapping ``crop_size`` windows.

        Windows start every ``stride`` pixels; the last one is shifted back
        to end at the border. A crop larger than the image is not padded.
        """
        h_stride, w_stride = self.test_cfg.stride
        h_crop, w_crop = self.test_cfg.crop_size
        batch_size, _, h_img, w_img = img.size()
        h_grids = max(h_img - h_crop + h_stride - 1, 0) // h_stride + 1
        w_grids = max(w_img - w_crop + w_stride - 1, 0) // w_stride + 1
        preds = img.new_zeros((batch_size, self.out_channels, h_img, w_img))
        count = img.new_zeros((batch_size, 1, h_img, w_img))
        for h_idx in range(h_grids):
            for w_idx in range(w_grids):
                y2 = min(h_idx * h_stride + h_crop, h_img)
                x2 = min(w_idx * w_stride + w_crop, w_img)
                y1, x1 = max(y2 - h_crop, 0), max(x2 - w_crop, 0)
                crop_logit = self.encode_decode(img[:, :, y1:y2, x1:x2],
                                                img_meta)
                preds[:, :, y1:y2, x1:x2] += crop_logit
                count[:, :, y1:y2, x1:x2] += 1
        assert (count == 0).sum() == 0
        preds = preds / count
        return self._rescale(preds, img_meta) if rescale else preds

    def whole_inference(self, img: torch.Tensor, img_meta: List[dict],
                        rescale: bool) -> torch.Tensor:
        """Logits of the whole image in one pass."""
        seg_logit = self.encode_decode(img, img_meta)
        return self._rescale(seg_logit, img_meta) if rescale else seg_logit

    def inference_unflipped(self, img: torch.Tensor, img_meta: List[dict],
                            rescale: bool) -> torch.Tensor:
        """Class probabilities of ``img`` as it is (no flip undone).

        Args:
            img: Images (N, C, H, W) sharing one shape.
            img_meta: Their meta dicts (``ori_shape``, ``img_shape``).
            rescale: Resize to ``ori_shape``.
        """
        mode = self.test_cfg.get('mode', 'whole')
        if mode not in ('slide', 'whole'):
            raise ValueError(f"test_cfg.mode must be 'slide' or 'whole', got "
                             f'{mode!r}')
        ori_shape = img_meta[0]['ori_shape']
        assert all(m['ori_shape'] == ori_shape for m in img_meta)
        infer = self.slide_inference if mode == 'slide' \
            else self.whole_inference
        seg_logit = infer(img, img_meta, rescale)
        if self.out_channels == 1:
            return torch.sigmoid(seg_logit)
        return F.softmax(seg_logit, dim=1)

    @staticmethod
    def _unflip(prob: torch.Tensor, meta: dict) -> torch.Tensor:
        if not meta.get('flip'):
            return prob
        direction = meta['flip_direction']
        assert direction in ('horizontal', 'vertical')
        return prob.flip(dims=(3, ) if direction == 'horizontal' else (2, ))

    def inference(self, img: torch.Tensor, img_meta: List[dict],
                  rescale: bool) -> torch.Tensor:
        """Class probabilities, flipped back if the view was flipped."""
        return self._unflip(self.inference_unflipped(img, img_meta, rescale),
                            img_meta[0])

    def _to_labels(self, seg_prob: torch.Tensor) -> List[np.ndarray]:
        if self.out_channels == 1:
            seg_pred = (seg_prob > self.threshold).to(
                seg_prob).squeeze(1)
        else:
            seg_pred = seg_prob.argmax(dim=1)
        return list(seg_pred.cpu().numpy())

    def simple_test(self, img: torch.Tensor, img_meta: List[dict],
                    rescale: bool = True) -> List[np.ndarray]:
        """One label map (H, W) per image."""
        return self._to_labels(self.inference(img, img_meta, rescale))

    def aug_test(self, imgs: List[torch.Tensor], img_metas: List[List[dict]],
                 rescale: bool = True) -> List[np.ndarray]:
        """Label maps from probabilities averaged over all views."""
        return self._to_labels(self.aug_inference(imgs, img_metas, rescale))

    def aug_inference(self, imgs: List[torch.Tensor],
                      img_metas: List[List[dict]],
                      rescale: bool = True) -> torch.Tensor:
        """Class probabilities averaged over all views.

        Views of the same size (a scale and its flip) run as one batch, so
        each scale costs one forward pass. Only ``rescale=True`` is
        supported: views differ in size.
        """
        assert rescale, 'aug_test needs rescale=True'
        seg_prob = 0
        for group in self._views_by_shape(imgs):
            batch = torch.cat([imgs[i] for i in group]) if len(group) > 1 \
                else imgs[group[0]]
            metas = [m for i in group for m in img_metas[i]]
            probs = self.inference_unflipped(batch, metas, rescale)
            for i, prob in zip(group, probs.split(imgs[group[0]].size(0))):
                seg_prob = seg_prob + self._unflip(prob, img_metas[i][0])
        return seg_prob / len(imgs)

    @staticmethod
    def _views_by_shape(imgs: List[torch.Tensor]) -> List[List[int]]:
        groups = {}
        for i, img in enumerate(imgs):
            groups.setdefault(tuple(img.shape), []).append(i)
        return list(groups.values())
