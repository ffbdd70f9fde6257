"""Confusion matrix of the predictions ``tools/test.py --out`` saved.

    python tools/confusion_matrix.py CONFIG PREDICTIONS.pkl SAVE_DIR
        [--title T] [--color-theme viridis] [--show]

Rows are ground-truth classes, columns predictions, in percent of each
row's pixels; SAVE_DIR gets confusion_matrix.png and confusion_matrix.npy
(the pixel counts).
"""
import argparse
import os.path as osp

import mmengine
import numpy as np

from mmseg.cli import add_cfg_options, load_config, run_cli
from mmseg.datasets import build_dataset


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Plot a confusion matrix')
    parser.add_argument('config', help='config file')
    parser.add_argument('prediction_path', help='tools/test.py --out file')
    parser.add_argument('save_dir', help='where the figure is saved')
    parser.add_argument('--title', default='Normalized Confusion Matrix')
    parser.add_argument('--color-theme', default='winter',
                        help='a matplotlib colour map')
    parser.add_argument('--show', action='store_true',
                        help='also open a window')
    add_cfg_options(parser)
    return parser.parse_args(argv)


def confusion_matrix(preds, gts, num_classes: int,
                     reduce_zero_label: bool = False) -> np.ndarray:
    """Pixel counts ``[true, predicted]`` over all image pairs; label
    values that are no class (the ignore index) are left out."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    for pred, gt in zip(preds, gts):
        pred = np.asarray(pred).ravel().astype(np.int64)
        gt = np.asarray(gt).ravel().astype(np.int64)
        if reduce_zero_label:  # stored 0 is void, class i is stored i + 1
            gt = np.where(gt == 0, -1, gt - 1)
        if pred.shape != gt.shape:
            raise ValueError(f'a prediction has {pred.size} pixels, its '
                             f'ground truth {gt.size}: were the predictions '
                             'made for this config\'s test set?')
        keep = (gt >= 0) & (gt < num_classes)
        matrix += np.bincount(num_classes * gt[keep] + pred[keep],
                              minlength=num_classes**2).reshape(
                                  num_classes, num_classes)
    return matrix


def plot(matrix: np.ndarray, labels, save_dir: str, title: str,
         cmap: str, show: bool) -> str:
    import matplotlib.pyplot as plt
    totals = matrix.sum(axis=1, keepdims=True)
    percent = 100 * matrix / np.maximum(totals, 1)
    size = max(6, 0.5 * len(labels))
    fig, ax = plt.subplots(figsize=(size, 0.8 * size), dpi=100)
    image = ax.imshow(percent, cmap=plt.get_cmap(cmap), vmin=0, vmax=100)
    fig.colorbar(image, ax=ax)
    ax.set_title(title)
    ax.set_xlabel('predicted label')
    ax.set_ylabel('ground-truth label')
    ticks = np.arange(len(labels))
    ax.set_xticks(ticks, labels, rotation=45, ha='right')
    ax.set_yticks(ticks, labels)
    for i, j in np.ndindex(percent.shape):
        ax.text(j, i, f'{percent[i, j]:.0f}', ha='center', va='center',
                fontsize=7, color='w' if percent[i, j] < 50 else 'k')
    fig.tight_layout()
    path = osp.join(save_dir, 'confusion_matrix.png')
    fig.savefig(path)
    if show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options + args.options)
    preds = mmengine.load(args.prediction_path)
    if not isinstance(preds, list):
        raise ValueError(f'{args.prediction_path}: expected the list of '
                         'label maps that tools/test.py --out writes')
    dataset = build_dataset(cfg.data.test, dict(test_mode=True))
    if len(preds) != len(dataset):
        raise ValueError(f'{args.prediction_path} has {len(preds)} '
                         f'predictions, the test set {len(dataset)} images')
    preds = [np.load(p) if isinstance(p, str) else p for p in preds]
    gts = (dataset.get_gt_seg_map_by_idx(i) for i in range(len(dataset)))
    matrix = confusion_matrix(preds, gts, len(dataset.CLASSES),
                              dataset.reduce_zero_label)
    mmengine.mkdir_or_exist(args.save_dir)
    np.save(osp.join(args.save_dir, 'confusion_matrix.npy'), matrix)
    path = plot(matrix, dataset.CLASSES, args.save_dir, args.title,
                args.color_theme, args.show)
    print(f'wrote {path}')


if __name__ == '__main__':
    run_cli(main)
