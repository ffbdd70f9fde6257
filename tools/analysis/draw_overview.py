"""Draw the CAC method overview (``fig/cac_overview.png``) with matplotlib.

    python tools/analysis/draw_overview.py [--out fig/cac_overview.png]

The diagram follows the code: the decode head's input features feed the
segmentation classifier, the projection branch (embeddings compared at the
sampled anchors) and, detached, the confidence branch whose class
probabilities weigh each pair of anchors. Training-only parts are shaded.
"""
import argparse
import os
import os.path as osp
from typing import Dict, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

DEPLOYED = '#dbe9f6'
TRAIN_ONLY = '#fde3c8'
LOSS = '#f6d0d0'

# name: (x centre, y centre, label, colour); the canvas is 16 x 7 units
BOXES: Dict[str, Tuple[float, float, str, str]] = {
    'image': (1.0, 4.0, 'image', DEPLOYED),
    'backbone': (3.3, 4.0, 'backbone\n(HRNet, ResNet,\nMiT, Swin)', DEPLOYED),
    'feats': (5.6, 4.0, 'decoder input\nfeatures', DEPLOYED),
    'seg': (8.0, 6.0, 'decode head\n(conv_seg)', DEPLOYED),
    'logits': (10.5, 6.0, 'segmentation\nlogits', DEPLOYED),
    'ce': (13.6, 6.0, 'cross-entropy\n(OHEM)', LOSS),
    'proj': (8.0, 4.0, 'projection\n(residual 1x1 convs)', TRAIN_ONLY),
    'anchors': (10.5, 4.0, 'anchors per class:\nhalf hard, half easy',
                TRAIN_ONLY),
    'cac': (13.6, 4.0, 'contrastive loss\nat the anchors', LOSS),
    'conf': (8.0, 2.0, 'confidence branch\n(detached input)', TRAIN_ONLY),
    'probs': (10.5, 2.0, 'p_i(class of j)\npair weight 1 - p', TRAIN_ONLY),
    'conf_ce': (13.6, 2.0, 'cross-entropy\n(confidence)', LOSS),
}
ARROWS = (('image', 'backbone'), ('backbone', 'feats'), ('feats', 'seg'),
          ('seg', 'logits'), ('logits', 'ce'), ('feats', 'proj'),
          ('proj', 'anchors'), ('anchors', 'cac'), ('feats', 'conf'),
          ('conf', 'probs'), ('probs', 'cac'), ('logits', 'anchors'),
          ('probs', 'conf_ce'))
BOX_W, BOX_H = 1.9, 1.1


def _edge(name: str, toward: str) -> Tuple[float, float]:
    """Point on box ``name``'s border facing box ``toward``."""
    x, y = BOXES[name][:2]
    tx, ty = BOXES[toward][:2]
    if abs(tx - x) * BOX_H >= abs(ty - y) * BOX_W:
        return x + (BOX_W / 2 if tx > x else -BOX_W / 2), y
    return x, y + (BOX_H / 2 if ty > y else -BOX_H / 2)


def draw_overview(out_file: str) -> None:
    """Write the overview figure to ``out_file`` (PNG, 1600x700 pixels)."""
    fig, ax = plt.subplots(figsize=(16, 7), dpi=100)
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 7.4)
    ax.axis('off')
    for x, y, label, colour in BOXES.values():
        ax.add_patch(FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
            boxstyle='round,pad=0.05', facecolor=colour, edgecolor='#333'))
        ax.text(x, y, label, ha='center', va='center', fontsize=10)
    for src, dst in ARROWS:
        ax.annotate('', xy=_edge(dst, src), xytext=_edge(src, dst),
                    arrowprops=dict(arrowstyle='->', color='#333', lw=1.4))
    legend = ((DEPLOYED, 'runs at test time'),
              (TRAIN_ONLY, 'training only (dropped at test time)'),
              (LOSS, 'loss term'))
    for i, (colour, text) in enumerate(legend):
        ax.add_patch(FancyBboxPatch((0.4 + 4.6 * i, 0.25), 0.5, 0.35,
                                    boxstyle='square,pad=0', facecolor=colour,
                                    edgecolor='#333'))
        ax.text(1.05 + 4.6 * i, 0.42, text, va='center', fontsize=10)
    ax.set_title('CAC: confidence-aware contrastive learning on a decode '
                 'head', fontsize=13)
    out_dir = osp.dirname(out_file)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    fig.savefig(out_file)
    plt.close(fig)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default='fig/cac_overview.png')
    args = parser.parse_args(argv)
    draw_overview(args.out)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
