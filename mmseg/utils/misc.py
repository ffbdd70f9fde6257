import glob
import os.path as osp
import re
import sys
import zipfile
from typing import Optional


def checkpoint_readable(path: str) -> bool:
    """Whether ``path`` is a complete checkpoint (a zip archive whose
    members all pass their CRC check, as ``torch.save`` writes them)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (OSError, zipfile.BadZipFile):
        return False


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint to resume from in ``work_dir``, or None.

    Tries, in order: the file named in ``last_checkpoint``, ``latest.pth``,
    and the ``iter_N.pth``/``epoch_N.pth`` from the largest N down. An
    unreadable (truncated, corrupt) file is skipped with a warning naming
    it.
    """
    candidates = []
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            candidates.append(f.read().strip())
    latest = osp.join(work_dir, 'latest.pth')
    if osp.isfile(latest):
        candidates.append(osp.realpath(latest))
    numbered = []
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        match = re.fullmatch(r'(iter|epoch)_(\d+)\.pth', osp.basename(path))
        if match:
            numbered.append((int(match.group(2)), path))
    candidates += [path for _, path in sorted(numbered, reverse=True)]
    tried = set()
    for path in candidates:
        path = osp.abspath(path)
        if path in tried or not osp.isfile(path):
            continue
        tried.add(path)
        if checkpoint_readable(path):
            return path
        print(f'warning: --auto-resume: {path} is unreadable (truncated or '
              'corrupt); trying an older checkpoint', file=sys.stderr)
    return None
