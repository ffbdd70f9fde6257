import glob
import os.path as osp
import re
from typing import Optional


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint to resume from in ``work_dir``, or None.

    Tries, in order: the file named in ``last_checkpoint``, ``latest.pth``,
    and the ``iter_N.pth``/``epoch_N.pth`` with the largest N.
    """
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            path = f.read().strip()
        if osp.isfile(path):
            return path
    latest = osp.join(work_dir, 'latest.pth')
    if osp.isfile(latest):
        return osp.realpath(latest)
    candidates = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        match = re.fullmatch(r'(iter|epoch)_(\d+)\.pth', osp.basename(path))
        if match:
            candidates.append((int(match.group(2)), path))
    return max(candidates)[1] if candidates else None
