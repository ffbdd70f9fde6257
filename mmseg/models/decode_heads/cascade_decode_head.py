from abc import ABCMeta, abstractmethod
from typing import Dict, List

import torch

from .decode_head import BaseDecodeHead


class BaseCascadeDecodeHead(BaseDecodeHead, metaclass=ABCMeta):
    """A decode head that refines the logits of the previous stage.

    Used by :class:`CascadeEncoderDecoder` for every stage but the first.
    """

    @abstractmethod
    def forward(self, inputs, prev_output: torch.Tensor) -> torch.Tensor:
        """Segmentation logits from the features and the previous logits."""

    def forward_train(self, inputs, prev_output: torch.Tensor,
                      img_metas: List[dict], gt_semantic_seg: torch.Tensor,
                      train_cfg: dict) -> Dict[str, torch.Tensor]:
        """Losses of the head for a batch.

        Args:
            inputs: Multi-level features.
            prev_output: Logits of the previous stage.
            img_metas: Per-image meta dicts.
            gt_semantic_seg: Labels of shape (N, 1, H, W).
            train_cfg: The segmentor's training config.
        """
        return self.train_losses(inputs, (prev_output, ), gt_semantic_seg)

    def forward_test(self, inputs, prev_output: torch.Tensor,
                     img_metas: List[dict],
                     test_cfg: dict) -> torch.Tensor:
        """Segmentation logits for inference."""
        return self.forward(inputs, prev_output)
