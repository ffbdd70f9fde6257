"""Remove CAC's training branches from a checkpoint, for deployment.

The result loads strictly into the plain config (the same model without
``cac`` / with the plain head type); predictions are unchanged because only
the segmentation branch runs at test time.

    python tools/model_converters/strip_cac.py IN.pth OUT.pth
"""
import argparse
import os.path as osp

import torch
from mmengine.runner.checkpoint import CheckpointLoader

from mmseg.cli import UsageError, run_cli
from mmseg.models.decode_heads.cac_head import cac_branch_keys


def strip_cac(checkpoint: dict) -> tuple:
    """A weights-only checkpoint (``state_dict`` and ``meta``) without CAC's
    branch keys, and how many keys were removed.

    The training state (optimizer, schedulers, message hub) is left out:
    it belongs to the CAC model, and a stripped file is for testing and
    deployment.
    """
    state = checkpoint.get('state_dict', checkpoint)
    dropped = set(cac_branch_keys(state))
    out = dict(state_dict={k: v for k, v in state.items()
                           if k not in dropped})
    if 'meta' in checkpoint:
        out['meta'] = checkpoint['meta']
    return out, len(dropped)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='CAC checkpoint')
    parser.add_argument('dst', help='output file (must not exist)')
    args = parser.parse_args(argv)
    if osp.exists(args.dst):
        raise UsageError(f'{args.dst} exists; choose another output file')
    checkpoint = CheckpointLoader.load_checkpoint(args.src,
                                                  map_location='cpu')
    stripped, count = strip_cac(checkpoint)
    if count == 0:
        raise UsageError(f'{args.src} has no CAC branch keys (proj, '
                         'weight_branch) to remove')
    torch.save(stripped, args.dst)
    print(f'removed {count} CAC keys; wrote {args.dst}')


if __name__ == '__main__':
    run_cli(main)
