"""Figures of what CAC learns: embeddings (t-SNE) and confidence maps.

* ``tsne.png``: per-pixel features of validation images, up to K pixels per
  class, embedded with t-SNE and coloured with the dataset palette: the CAC
  model's projection features next to the baseline's decoder features (the
  input of ``conv_seg``).
* ``confidence_<i>.png`` (``--confidence-map i``): image i, its labels, and
  the CAC confidence branch's probability of the true class per pixel.

The features come from the segmentors' public ``cac_features`` and
``decoder_features``; progress goes to stdout.

    python tools/analysis/visualize_embeddings.py CAC_CONFIG CAC_CKPT \
        BASE_CONFIG BASE_CKPT [--num-images 10] [--per-class 100] \
        [--confidence-map 0] [--out-dir vis]
"""
import argparse
import os.path as osp

import matplotlib
import numpy as np
import torch
import torch.nn.functional as F

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402

from mmseg.apis import init_segmentor  # noqa: E402
from mmseg.cli import UsageError, run_cli  # noqa: E402
from mmseg.core.visualization import colorize  # noqa: E402
from mmseg.datasets import build_dataset  # noqa: E402


def cac_features(model, img: torch.Tensor):
    """The CAC model's ``CACOutputs`` (logits, projection, confidence)."""
    try:
        return model.cac_features(img)
    except ValueError as error:
        raise UsageError(f'CAC_CONFIG: {error}') from None


def sample_pixels(features: torch.Tensor, label: np.ndarray, per_class: int,
                  rng: np.random.Generator, num_classes: int):
    """Up to ``per_class`` feature vectors per class present in ``label``.

    Args:
        features: (1, D, h, w); ``label`` (H, W) is resized to (h, w) by
            nearest neighbour.
    """
    h, w = features.shape[2:]
    small = F.interpolate(torch.as_tensor(label)[None, None].float(),
                          size=(h, w), mode='nearest')[0, 0].long().numpy()
    flat = features[0].reshape(features.shape[1], -1).T.numpy()
    xs, ys = [], []
    for cls in range(num_classes):
        where = np.flatnonzero(small.reshape(-1) == cls)
        if where.size:
            pick = rng.choice(where, min(per_class, where.size),
                              replace=False)
            xs.append(flat[pick])
            ys.append(np.full(pick.size, cls))
    return np.concatenate(xs), np.concatenate(ys)


def tsne(x: np.ndarray, seed: int) -> np.ndarray:
    try:
        from sklearn.manifold import TSNE
    except ImportError:
        raise UsageError('t-SNE needs scikit-learn: pip install '
                         'scikit-learn (requirements/optional.txt)') from None
    perplexity = float(min(30, max(2, len(x) // 4)))
    return TSNE(n_components=2, init='pca', perplexity=perplexity,
                random_state=seed).fit_transform(x)


def collect(models: dict, dataset, num_images: int, per_class: int,
            seed: int) -> dict:
    """Sampled features and labels of each model over the first images."""
    rng = np.random.default_rng(seed)
    out = {name: ([], []) for name in models}
    total = min(num_images, len(dataset))
    for index in range(total):
        sample = dataset[index]
        img = sample['img'][0][None]
        label = dataset.get_gt_seg_map_by_idx(index)
        for name, (model, extract) in models.items():
            feats = extract(model, img)
            x, y = sample_pixels(feats, label, per_class,
                                 np.random.default_rng(rng.integers(2**31)),
                                 len(dataset.CLASSES))
            out[name][0].append(x)
            out[name][1].append(y)
        print(f'features: {index + 1}/{total} images', flush=True)
    return {name: (np.concatenate(x), np.concatenate(y))
            for name, (x, y) in out.items()}


def plot_tsne(embedded: dict, dataset, path: str, seed: int) -> str:
    palette = np.asarray(dataset.PALETTE) / 255.0
    fig, axes = plt.subplots(1, len(embedded),
                             figsize=(6 * len(embedded), 6))
    for ax, (name, (x, y)) in zip(np.atleast_1d(axes), embedded.items()):
        print(f't-SNE on {len(x)} points ({name}) ...', flush=True)
        points = tsne(x, seed)
        for cls in np.unique(y):
            keep = y == cls
            ax.scatter(points[keep, 0], points[keep, 1], s=4,
                       color=palette[cls], label=dataset.CLASSES[cls])
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    np.atleast_1d(axes)[-1].legend(markerscale=3, fontsize=7,
                                   loc='center left',
                                   bbox_to_anchor=(1, 0.5))
    fig.savefig(path, dpi=100, bbox_inches='tight')
    plt.close(fig)
    return path


def plot_confidence(model, dataset, index: int, path: str) -> str:
    """Image, labels and p(true class) of the confidence branch."""
    sample = dataset[index]
    img = sample['img'][0][None]
    label = dataset.get_gt_seg_map_by_idx(index)
    with torch.no_grad():
        weight_logit = cac_features(model, img).confidence_logits
    prob = F.interpolate(weight_logit.softmax(1), size=label.shape,
                         mode='bilinear', align_corners=False)[0]
    valid = label < prob.shape[0]
    classes = torch.as_tensor(np.where(valid, label, 0), dtype=torch.long)
    true_prob = prob.gather(0, classes[None])[0].numpy()
    true_prob[~valid] = np.nan  # ignored pixels have no true class
    raw = dataset.img_infos[index]['filename']
    image = plt.imread(osp.join(dataset.img_dir, raw))
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].imshow(image)
    axes[0].set_title('image')
    axes[1].imshow(colorize(label, dataset.PALETTE)[..., ::-1])
    axes[1].set_title('labels')
    shown = axes[2].imshow(true_prob, vmin=0, vmax=1, cmap='viridis')
    axes[2].set_title('confidence: p(true class)')
    fig.colorbar(shown, ax=axes[2], fraction=0.025)
    for ax in axes:
        ax.axis('off')
    fig.savefig(path, dpi=100, bbox_inches='tight')
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('cac_config')
    parser.add_argument('cac_checkpoint')
    parser.add_argument('baseline_config')
    parser.add_argument('baseline_checkpoint')
    parser.add_argument('--num-images', type=int, default=10)
    parser.add_argument('--per-class', type=int, default=100)
    parser.add_argument('--confidence-map', type=int, nargs='*', default=[],
                        metavar='INDEX')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out-dir', default='vis')
    args = parser.parse_args(argv)
    cac = init_segmentor(args.cac_config, args.cac_checkpoint)
    base = init_segmentor(args.baseline_config, args.baseline_checkpoint)
    dataset = build_dataset(cac.cfg.data.val, dict(test_mode=True))
    mkdir_or_exist(args.out_dir)
    with torch.no_grad():
        features = collect(
            {'CAC (projection features)':
             (cac, lambda m, img: cac_features(m, img).projection),
             'baseline (decoder features)':
             (base, lambda m, img: m.decoder_features(img))},
            dataset, args.num_images, args.per_class, args.seed)
    written = dict(tsne=plot_tsne(features, dataset,
                                  osp.join(args.out_dir, 'tsne.png'),
                                  args.seed))
    print(f"saved {written['tsne']}", flush=True)
    for index in args.confidence_map:
        name = f'confidence_{index}'
        written[name] = plot_confidence(
            cac, dataset, index, osp.join(args.out_dir, f'{name}.png'))
        print(f'saved {written[name]}', flush=True)
    written['counts'] = {name: np.bincount(y) for name, (_, y) in
                         features.items()}
    return written


if __name__ == '__main__':
    run_cli(main)
