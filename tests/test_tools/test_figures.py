"""The method overview figure is drawn by a script, from the code's facts."""
import numpy as np
from PIL import Image

from tests.runs import run_tool


def test_overview_figure_has_every_kind_of_box(tmp_path):
    out = tmp_path / 'fig' / 'overview.png'
    result = run_tool(['python', 'tools/analysis/draw_overview.py', '--out',
                       str(out)])
    assert result.stdout.strip() == f'wrote {out}'
    with Image.open(out) as image:
        assert image.size == (1600, 700)
        pixels = np.asarray(image.convert('RGB')).reshape(-1, 3)
    colours = {tuple(int(c) for c in row) for row in np.unique(pixels,
                                                                 axis=0)}
    # deployed, training-only and loss boxes are all drawn
    for hex_colour in ('dbe9f6', 'fde3c8', 'f6d0d0'):
        rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))
        assert rgb in colours, hex_colour
