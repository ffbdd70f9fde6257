"""Drawing label maps over images (BGR, uint8), shared by the tools."""
from typing import Sequence

import numpy as np


def colorize(label: np.ndarray, palette: Sequence) -> np.ndarray:
    """BGR image of ``label`` in the RGB ``palette``; unknown ids black."""
    palette = np.asarray(palette, dtype=np.uint8)[:, ::-1]
    label = np.asarray(label)
    colors = np.zeros(label.shape + (3, ), dtype=np.uint8)
    known = (label >= 0) & (label < len(palette))
    colors[known] = palette[label[known]]
    return colors


def overlay(img: np.ndarray, label: np.ndarray, palette: Sequence,
            opacity: float = 0.5) -> np.ndarray:
    """``img`` blended with the colours of ``label``.

    Pixels without a class (e.g. the ignore label) keep the image.
    """
    colors = colorize(label, palette)
    label = np.asarray(label)
    known = (label >= 0) & (label < len(palette))
    out = img.astype(np.float32)
    out[known] = out[known] * (1 - opacity) + colors[known] * opacity
    return out.astype(np.uint8)


def side_by_side(*images: np.ndarray) -> np.ndarray:
    """Images of the same height next to each other."""
    return np.concatenate(images, axis=1)
