"""Mixed precision settings that depend on the device."""
import torch


def amp_dtype(device_type: str) -> torch.dtype:
    """The autocast dtype of ``device_type``.

    CUDA runs float16, as MMSeg 0.28's ``fp16`` did; CPU autocast supports
    only bfloat16 (float32's exponent range, so no loss scaling is needed).
    """
    return torch.float16 if device_type == 'cuda' else torch.bfloat16
