"""Parameter and state-dict counts of every model config under a folder.

Runs with whichever ``mmseg`` the interpreter imports: this project, or
MMSeg 0.28 in its own environment (``tests/data/counts_028.json`` was made
that way from 0.28's ``configs/``). Models are built on the meta device when
they allow it, so nothing is allocated or initialised; the ones that read
tensor values while building fall back to the CPU.

    python tools/analysis/count_configs.py CONFIG_DIR --out counts.json
"""
import argparse
import copy
import json
import sys
import warnings
from pathlib import Path

import torch


def load_config(path: Path):
    """The config at ``path``, read by mmengine or, in 0.28, by mmcv."""
    try:
        from mmengine.config import Config
    except ImportError:
        from mmcv import Config
    return Config.fromfile(str(path))


def count(cfg) -> list:
    """``[parameters, state-dict entries]`` of the segmentor of ``cfg``."""
    from mmseg.models import build_segmentor

    def build():
        # a fresh copy each time: 0.28's segmentors write into their config
        return build_segmentor(copy.deepcopy(cfg.model),
                               train_cfg=cfg.get('train_cfg'),
                               test_cfg=cfg.get('test_cfg'))

    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # SyncBN falls back to BN on CPU
        try:
            with torch.device('meta'):
                model = build()
        except Exception:  # noqa: BLE001 a module needs real tensor values
            model = build()
    return [sum(p.numel() for p in model.parameters()),
            len(model.state_dict())]


def experiment_configs(root: Path) -> list:
    """Config files under ``root``, ``_base_`` files left out, sorted."""
    return sorted(p for p in root.rglob('*.py')
                  if '_base_' not in p.relative_to(root).parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config_dir', type=Path)
    parser.add_argument('--out', type=Path, required=True,
                        help='JSON file: config path -> [params, entries], '
                        'or {"error": message} where the build failed')
    args = parser.parse_args()
    counts = {}
    paths = experiment_configs(args.config_dir)
    for i, path in enumerate(paths, 1):
        name = path.relative_to(args.config_dir).as_posix()
        try:
            counts[name] = count(load_config(path))
        except Exception as error:  # noqa: BLE001 recorded per config
            counts[name] = dict(error=f'{type(error).__name__}: {error}')
        print(f'[{i}/{len(paths)}] {name}: {counts[name]}', file=sys.stderr,
              flush=True)
    args.out.write_text(json.dumps(counts, indent=1, sort_keys=True) + '\n')
    failed = sum(isinstance(c, dict) for c in counts.values())
    print(f'{len(counts) - failed} counted, {failed} failed: {args.out}')


if __name__ == '__main__':
    main()
