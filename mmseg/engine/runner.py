import os
import os.path as osp
from typing import Optional

from mmengine.dist import master_only
from mmengine.runner import Runner

from .hooks.plain_state_hook import PlainStateHook


def _fsync_file(path: str) -> None:
    with open(path, 'rb') as f:
        os.fsync(f.fileno())


class SegRunner(Runner):
    """mmengine ``Runner`` with the 0.28 conventions this toolbox keeps.

    * checkpoints are written to ``<name>.part`` and renamed, so a kill never
      leaves a truncated checkpoint;
    * the text log is ``<work_dir>/<timestamp>.log``, as in 0.28;
    * the checkpoint a run resumed from is remembered (``resumed_from``) so
      that rotation never deletes it;
    * checkpoints hold plain types only (``PlainStateHook``), so they load
      with ``torch.load(weights_only=True)``.
    """

    resumed_from: Optional[str] = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_hook(PlainStateHook())

    def build_logger(self, log_level='INFO', log_file=None, **kwargs):
        if log_file is None:
            log_file = osp.join(self.work_dir, f'{self.timestamp}.log')
        return super().build_logger(log_level, log_file, **kwargs)

    def resume(self, filename: str, *args, **kwargs) -> None:
        self.resumed_from = osp.abspath(filename)
        super().resume(filename, *args, **kwargs)

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        partial = f'{filename}.part'
        super().save_checkpoint(out_dir, partial, *args, **kwargs)
        partial_path = osp.join(out_dir, partial)
        _fsync_file(partial_path)
        os.replace(partial_path, osp.join(out_dir, filename))
