from mmengine.utils import get_git_hash
from mmengine.utils.dl_utils import collect_env as collect_base_env

from mmseg.version import __version__


def collect_env() -> dict:
    """Environment info (Python, torch, CUDA, ...) plus the mmseg version."""
    env = collect_base_env()
    env['MMSegmentation'] = f'{__version__}+{get_git_hash()[:7]}'
    return env
