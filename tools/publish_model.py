"""Prepare a checkpoint for release: training state dropped, the first 8
hex digits of its sha256 appended to the file name.

    python tools/publish_model.py IN_FILE OUT_FILE

writes e.g. ``OUT-1a2b3c4d.pth`` and prints its path.
"""
import argparse
import hashlib
import os
from pathlib import Path

import torch

from mmseg.cli import run_cli

# what only resuming needs
TRAINING_STATE = ('optimizer', 'param_schedulers', 'message_hub')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Publish a checkpoint')
    parser.add_argument('in_file', help='checkpoint to publish')
    parser.add_argument('out_file', help='output name (the hash is added)')
    return parser.parse_args(argv)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def publish(in_file: str, out_file: str) -> Path:
    """Write the published checkpoint; returns its final path."""
    if not os.path.isfile(in_file):
        raise FileNotFoundError(f'{in_file}: no such checkpoint')
    checkpoint = torch.load(in_file, map_location='cpu', weights_only=True)
    if 'state_dict' not in checkpoint:
        raise ValueError(f'{in_file} has no state_dict: not a checkpoint of '
                         'this toolbox or MMSeg')
    for key in TRAINING_STATE:
        checkpoint.pop(key, None)
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + '.tmp')
    torch.save(checkpoint, tmp)
    suffix = out.suffix or '.pth'
    final = out.with_name(f'{out.stem}-{sha256(tmp)[:8]}{suffix}')
    os.replace(tmp, final)
    return final


def main(argv=None):
    args = parse_args(argv)
    print(f'wrote {publish(args.in_file, args.out_file)}')


if __name__ == '__main__':
    run_cli(main)
