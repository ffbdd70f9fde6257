"""Drawing label maps over images (BGR, uint8), shared by the tools."""
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_BLACK = (0, 0, 0)


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


def blend(img: np.ndarray, label: np.ndarray, palette: Sequence,
          opacity: float = 0.5) -> np.ndarray:
    """``img * (1 - opacity) + colours * opacity`` on every pixel, as
    MMSeg 0.28's ``show_result`` draws (ids outside ``palette`` are black).
    """
    mixed = img * (1 - opacity) + colorize(label, palette) * opacity
    return mixed.astype(np.uint8)


def side_by_side(*images: np.ndarray) -> np.ndarray:
    """Images of the same height next to each other."""
    return np.concatenate(images, axis=1)


def _text_style(width: int) -> Tuple[float, int, int]:
    """Font scale, stroke thickness and line height for a panel width."""
    scale = float(np.clip(width / 640, 0.4, 1.5))
    thickness = max(1, round(scale * 1.5))
    (_, height), baseline = cv2.getTextSize('Ag', _FONT, scale, thickness)
    return scale, thickness, height + baseline


def _put_text(canvas: np.ndarray, text: str, x: int, y_top: int,
              scale: float, thickness: int) -> None:
    """Black text with its top left corner at ``(x, y_top)``."""
    (_, height), _ = cv2.getTextSize(text, _FONT, scale, thickness)
    # drawn on a mask and thresholded, so that text adds no colour but
    # black (OpenCV may anti-alias even with LINE_8)
    mask = np.zeros(canvas.shape[:2], dtype=np.uint8)
    cv2.putText(mask, text, (x, y_top + height), _FONT, scale, 255,
                thickness, cv2.LINE_8)
    canvas[mask > 127] = _BLACK


def title_bar(title: str, width: int) -> np.ndarray:
    """A white strip of ``width`` pixels with ``title`` on it."""
    scale, thickness, line = _text_style(width)
    margin = line // 3 + 2
    bar = np.full((line + 2 * margin, width, 3), 255, dtype=np.uint8)
    _put_text(bar, title, margin, margin, scale, thickness)
    return bar


def legend(entries: Sequence[Tuple[str, Sequence[int]]], width: int,
           text_width: Optional[int] = None) -> np.ndarray:
    """White strip with a colour swatch and a name per entry, wrapped to
    ``width`` pixels.

    Args:
        entries: ``(name, RGB colour)`` pairs, in display order.
        width: Width of the strip.
        text_width: Width the font is sized for (default: ``width``).

    Returns:
        BGR uint8 image ``(h, width, 3)``.
    """
    scale, thickness, line = _text_style(text_width or width)
    margin = line // 3 + 2
    placed: List[Tuple[int, int, str, Sequence[int]]] = []
    x = y = margin
    for name, color in entries:
        (text, _), _ = cv2.getTextSize(name, _FONT, scale, thickness)
        item = line + margin + text + 2 * margin
        if x > margin and x + item > width:
            x, y = margin, y + line + margin
        placed.append((x, y, name, color))
        x += item
    strip = np.full((y + line + margin, width, 3), 255, dtype=np.uint8)
    for x, y, name, color in placed:
        strip[y:y + line, x:x + line] = np.asarray(color, np.uint8)[::-1]
        _put_text(strip, name, x + line + margin, y, scale, thickness)
    return strip


def labelled_panels(panels: Sequence[Tuple[str, np.ndarray]],
                    entries: Sequence[Tuple[str, Sequence[int]]] = ()
                    ) -> np.ndarray:
    """Images side by side, each under its title, above a class legend.

    Args:
        panels: ``(title, BGR image)`` pairs of the same height.
        entries: Legend ``(name, RGB colour)`` pairs; none: no legend.

    Returns:
        The BGR uint8 figure.
    """
    columns = [np.concatenate([title_bar(title, image.shape[1]), image])
               for title, image in panels]
    figure = side_by_side(*columns)
    if not entries:
        return figure
    strip = legend(entries, figure.shape[1],
                   text_width=panels[0][1].shape[1])
    return np.concatenate([figure, strip])
