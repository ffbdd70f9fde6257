"""Helpers shared by the scripts in ``tools/``."""
import os
import os.path as osp
import sys
import tempfile
from typing import Optional

from mmengine.config import Config

from .checkpoint import trust_checkpoints
from .dist import init_dist


class UsageError(Exception):
    """Bad input to a tool: printed as one line, exit status 2."""


def load_config(path: str, options: Optional[dict] = None) -> Config:
    """Read a config and apply ``--cfg-options``."""
    if not osp.isfile(path):
        raise UsageError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if options:
        try:
            cfg.merge_from_dict(options)
        except Exception as err:
            raise UsageError(f'--cfg-options {options}: {err}') from None
    return cfg


def default_work_dir(config_path: str) -> str:
    """``./work_dirs/<config name>`` as in 0.28."""
    return osp.join('./work_dirs',
                    osp.splitext(osp.basename(config_path))[0])


def prepare_work_dir(work_dir: Optional[str], config_path: str) -> str:
    """Create the work dir and check it is writable."""
    work_dir = osp.abspath(work_dir or default_work_dir(config_path))
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir):
            pass
    except OSError as err:
        raise UsageError(f'work dir {work_dir} is not writable '
                         f'({err.strerror}); choose another with '
                         '--work-dir') from None
    return work_dir


def setup_launch(launcher: str, cfg: Config) -> None:
    """Initialise torch.distributed when a launcher is used."""
    if launcher != 'none':
        backend = (cfg.get('dist_params') or {}).get('backend', 'nccl')
        init_dist(launcher, backend=backend)


def trust_from_args(args) -> None:
    if getattr(args, 'trust_checkpoint', False):
        trust_checkpoints(True)


def run_cli(main) -> None:
    """Run a tool's ``main``; bad input ends with one line and status 2."""
    try:
        main()
    except UsageError as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(2)
