"""Top-level ``mmcv`` names of 1.x (``mmcv.Config``, ``mmcv.dump``, ...)."""
import mmengine
from mmengine.config import Config, ConfigDict
from mmengine.fileio import FileClient, dump, load
from mmengine.utils import ProgressBar, is_list_of, mkdir_or_exist

from ._register import add_missing

NAMES = {
    'Config': Config, 'ConfigDict': ConfigDict, 'dump': dump, 'load': load,
    'mkdir_or_exist': mkdir_or_exist, 'ProgressBar': ProgressBar,
    'is_list_of': is_list_of, 'FileClient': FileClient,
    'digit_version': mmengine.digit_version,
}


def install() -> None:
    """Add the names to ``mmcv``."""
    add_missing('mmcv', NAMES)
