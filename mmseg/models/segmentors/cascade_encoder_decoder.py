from typing import Dict, List, Optional

import torch
import torch.nn as nn

from mmseg.core import add_prefix
from mmseg.models.builder import build_head
from mmseg.registry import MODELS

from .encoder_decoder import EncoderDecoder


@MODELS.register_module()
class CascadeEncoderDecoder(EncoderDecoder):
    """Encoder-decoder whose decode heads form a cascade.

    Stage 0 is a plain decode head; every later stage is a
    :class:`BaseCascadeDecodeHead` that also receives the logits of the
    stage before. Inference returns the last stage's logits; training sums
    the losses of all stages (``decode_0.*``, ``decode_1.*``, ...).

    Args:
        num_stages: Number of decode heads.
        backbone: Backbone config.
        decode_head: One decode head config per stage.
        neck: Neck config.
        auxiliary_head: Auxiliary head config, or a list of them.
        train_cfg: Training config handed to the heads.
        test_cfg: Inference config (see :class:`EncoderDecoder`).
        pretrained: Backbone checkpoint.
        init_cfg: Initialisation config.
        data_preprocessor: mmengine data preprocessor config.
    """

    def __init__(self,
                 num_stages: int,
                 backbone: dict,
                 decode_head: List[dict],
                 neck: Optional[dict] = None,
                 auxiliary_head=None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 init_cfg=None,
                 data_preprocessor=None):
        self.num_stages = num_stages
        super().__init__(backbone, decode_head, neck=neck,
                         auxiliary_head=auxiliary_head, train_cfg=train_cfg,
                         test_cfg=test_cfg, pretrained=pretrained,
                         init_cfg=init_cfg,
                         data_preprocessor=data_preprocessor)

    def _init_decode_head(self, decode_head: List[dict]) -> None:
        if not isinstance(decode_head, list) or \
                len(decode_head) != self.num_stages:
            raise ValueError(f'decode_head must be a list of {self.num_stages}'
                             ' head configs (num_stages)')
        self.decode_head = nn.ModuleList(
            build_head(cfg) for cfg in decode_head)
        self._adopt_output_settings(self.decode_head[-1])

    def _previous_logits(self, x, img_metas) -> tuple:
        """The logits of the stage before the last, as a 1-tuple (empty
        with a single stage)."""
        out = ()
        for head in self.decode_head[:-1]:
            out = (head.forward_test(x, *out, img_metas, self.test_cfg), )
        return out

    def _decode_head_forward_test(self, x, img_metas) -> torch.Tensor:
        return self.decode_head[-1].forward_test(
            x, *self._previous_logits(x, img_metas), img_metas,
            self.test_cfg)

    def _decode_head_forward_train(
            self, x, img_metas,
            gt_semantic_seg: torch.Tensor) -> Dict[str, torch.Tensor]:
        losses = dict()
        prev_output = None
        for i, head in enumerate(self.decode_head):
            inputs = (x, ) if i == 0 else (x, prev_output)
            losses.update(add_prefix(
                head.forward_train(*inputs, img_metas, gt_semantic_seg,
                                   self.train_cfg), f'decode_{i}'))
            if i + 1 < self.num_stages:
                # As in 0.28, the next stage gets a second, test-mode pass
                # of this head (which updates BN statistics once more).
                prev_output = head.forward_test(*inputs, img_metas,
                                                self.test_cfg)
        return losses
