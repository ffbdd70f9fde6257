"""Export a segmentor's test-time logits (ONNX, TorchScript) and evaluate
an exported ONNX model on a dataset.

The exported graph maps images ``(N, 3, H, W)`` (normalised, as the test
pipeline makes them) to logits ``(N, num_classes, H, W)`` computed as the
config's ``test_cfg`` says (whole image or sliding window). CAC's training
branches do not run at test time, so they are never in the graph.
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn

from mmseg.ops import resize

DEPLOY_EXTRA = 'pip install -e ".[deploy]"'


def require_onnx(what: str):
    """``(onnx, onnxruntime)``, or an error naming the extra to install."""
    try:
        import onnx
        import onnxruntime
    except ImportError as error:
        raise ImportError(f'{what} needs onnx and onnxruntime '
                          f'({error.name} is missing): {DEPLOY_EXTRA}') \
            from None
    return onnx, onnxruntime


class TestLogits(nn.Module):
    """A segmentor's test-time logits as a one-input module.

    Args:
        segmentor: An ``EncoderDecoder`` (or cascade); it is put in eval mode.
    """

    def __init__(self, segmentor: nn.Module):
        super().__init__()
        self.segmentor = segmentor.eval()
        self.mode = segmentor.test_cfg.get('mode', 'whole')
        if self.mode not in ('whole', 'slide'):
            raise ValueError(f"test_cfg.mode must be 'whole' or 'slide' to "
                             f'export, got {self.mode!r}')

    def forward(self, img: torch.Tensor) -> torch.Tensor:
        h, w = img.shape[2:]
        meta = [dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                     pad_shape=(h, w, 3), flip=False)] * img.shape[0]
        infer = self.segmentor.slide_inference if self.mode == 'slide' \
            else self.segmentor.whole_inference
        return infer(img, meta, rescale=False)


def export_onnx(model: nn.Module, out_file: str, shape: Tuple[int, int],
                dynamic: bool = False, opset: int = 11) -> torch.Tensor:
    """Write ``model``'s test-time logits as an ONNX graph.

    Args:
        model: The segmentor.
        out_file: The ``.onnx`` file.
        shape: ``(H, W)`` of the example input.
        dynamic: Batch size, height and width free (whole inference only:
            the windows of slide inference depend on the size).
        opset: ONNX opset (>= 11).

    Returns:
        The example input used for the export.
    """
    module = TestLogits(model)
    if dynamic and module.mode == 'slide':
        raise ValueError('--dynamic-export needs test_cfg.mode=whole: the '
                         'windows of slide inference depend on the input '
                         'size (export a fixed --shape instead)')
    img = torch.randn(1, 3, *shape, generator=torch.Generator().manual_seed(0))
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    with torch.no_grad():
        torch.onnx.export(
            module, (img, ), out_file, input_names=['input'],
            output_names=['output'], opset_version=opset, dynamo=False,
            dynamic_axes=dict(input=axes, output=axes) if dynamic else None)
    return img


def onnx_session(onnx_file: str, device_id: Optional[int] = None):
    """An ONNX Runtime session on the CPU, or on GPU ``device_id``."""
    _, ort = require_onnx('running an ONNX model')
    providers = ['CPUExecutionProvider']
    if device_id is not None and \
            'CUDAExecutionProvider' in ort.get_available_providers():
        providers.insert(0, ('CUDAExecutionProvider',
                             dict(device_id=device_id)))
    return ort.InferenceSession(onnx_file, providers=providers)


def max_logit_error(model: nn.Module, onnx_file: str,
                    img: torch.Tensor) -> Tuple[float, float]:
    """Largest difference between ONNX Runtime's and PyTorch's logits for
    ``img``, and the largest PyTorch logit (the scale)."""
    with torch.no_grad():
        expected = TestLogits(model)(img).numpy()
    (got, ) = onnx_session(onnx_file).run(None, {'input': img.numpy()})
    return float(np.abs(got - expected).max()), float(np.abs(expected).max())


def rescale_logits(logits: torch.Tensor, img_meta: dict,
                   align_corners: bool) -> torch.Tensor:
    """Crop the padding away and resize to ``ori_shape`` (as test does)."""
    h, w = img_meta['img_shape'][:2]
    return resize(logits[:, :, :h, :w], size=img_meta['ori_shape'][:2],
                  mode='bilinear', align_corners=align_corners,
                  warning=False)


class ONNXRuntimeSegmentor:
    """Label maps from an exported model, as ``simple_test`` gives them.

    Args:
        onnx_file: The exported model.
        align_corners: The config's ``decode_head.align_corners``.
        device_id: A GPU for ONNX Runtime, None for the CPU.
    """

    def __init__(self, onnx_file: str, align_corners: bool,
                 device_id: Optional[int] = None):
        self.session = onnx_session(onnx_file, device_id)
        self.align_corners = align_corners
        (self.input, ) = self.session.get_inputs()

    def _check_shape(self, img: torch.Tensor) -> None:
        fixed = [d for d in self.input.shape[2:] if isinstance(d, int)]
        if len(fixed) == 2 and list(img.shape[2:]) != fixed:
            raise ValueError(
                f'the ONNX model was exported for {fixed[0]}x{fixed[1]} '
                f'inputs, the test pipeline gives {img.shape[2]}x'
                f'{img.shape[3]}: export with --dynamic-export or --shape '
                f'{img.shape[2]} {img.shape[3]}')

    def simple_test(self, img: torch.Tensor,
                    img_metas: Sequence[dict]) -> List[np.ndarray]:
        """One label map per image of ``img`` (N, 3, H, W)."""
        self._check_shape(img)
        (logits, ) = self.session.run(None, {self.input.name: img.numpy()})
        logits = torch.from_numpy(logits)
        return [rescale_logits(logits[i:i + 1], meta,
                               self.align_corners)[0].argmax(0).numpy()
                for i, meta in enumerate(img_metas)]
