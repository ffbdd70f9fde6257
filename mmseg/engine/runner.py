import os
import os.path as osp
import platform
from typing import Optional

from mmengine.dist import master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmseg.utils.checkpoint import check_matches

from .console import install_filters
from .hooks.plain_state_hook import PlainStateHook
from .rng import set_rng_state


def _fsync_file(path: str) -> None:
    with open(path, 'rb') as f:
        os.fsync(f.fileno())


class SegRunner(Runner):
    """mmengine ``Runner`` with the 0.28 conventions this toolbox keeps.

    * checkpoints are written to ``<name>.part`` and renamed, so a kill never
      leaves a truncated checkpoint;
    * the text log is ``<work_dir>/<timestamp>.log``, as in 0.28;
    * the config dump never overwrites a different earlier one (it then
      goes to ``<name>.<timestamp>.py``);
    * the checkpoint a run resumed from is remembered (``resumed_from``) so
      that rotation never deletes it;
    * the console shows two environment lines and no config or hook
      table (see ``mmseg/engine/console.py``);
    * checkpoints hold plain types only (``PlainStateHook``), so they load
      with ``torch.load(weights_only=True)``.
    """

    resumed_from: Optional[str] = None
    _resuming = False
    _loaded_meta: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_hook(PlainStateHook())

    def build_logger(self, log_level='INFO', log_file=None, **kwargs):
        if log_file is None:
            log_file = osp.join(self.work_dir, f'{self.timestamp}.log')
        logger = super().build_logger(log_level, log_file, **kwargs)
        install_filters(logger)
        return logger

    def _log_env(self, env_cfg: dict) -> None:
        """Two lines on what this run really uses; the merged config goes
        to the work dir (``dump_config``), not to the console."""
        import cv2
        import mmengine
        import torch
        if torch.cuda.is_available():
            device = f'CUDA ({torch.cuda.get_device_name(0)})'
        else:
            device = 'CPU (no CUDA)'
        backend = (env_cfg.get('dist_cfg') or {}).get('backend')
        procs = (f'{self.world_size} processes ({self.launcher}, {backend})'
                 if self.distributed else '1 process')
        self.logger.info(
            f'environment: Python {platform.python_version()}, PyTorch '
            f'{torch.__version__}, MMEngine {mmengine.__version__}, OpenCV '
            f'{cv2.__version__}, device {device}')
        self.logger.info(f'run: {procs}, seed {self.seed}, work dir '
                         f'{self.work_dir}')

    def load_checkpoint(self, filename: str, map_location='cpu',
                        strict: bool = False, **kwargs) -> dict:
        """Load weights; a checkpoint of another model is a clear error.

        Loading for a resume is strict: every key must match.
        """
        checkpoint = super().load_checkpoint(filename, map_location, strict,
                                             **kwargs)
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        check_matches(model, checkpoint, filename,
                      strict or self._resuming)
        self._loaded_meta = checkpoint.get('meta', {})
        return checkpoint

    @master_only
    def dump_config(self) -> None:
        name = osp.basename(self.cfg.filename or f'{self.timestamp}.py')
        path = osp.join(self.work_dir, name)
        text = self.cfg.pretty_text
        if osp.isfile(path):
            with open(path) as f:
                if f.read() != text:
                    stem, ext = osp.splitext(path)
                    path = f'{stem}.{self.timestamp}{ext}'
        with open(path, 'w') as f:
            f.write(text)
        self.logger.info(f'config written to {path}')

    def resume(self, filename: str, *args, **kwargs) -> None:
        """Resume, then restore this rank's random generators."""
        self.resumed_from = osp.abspath(filename)
        self._resuming = True
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = False
        states = self._loaded_meta.get('rng_states') or []
        if self.rank < len(states) and len(states) == self.world_size:
            set_rng_state(states[self.rank])
        else:
            self.logger.warning('random states not restored: the checkpoint '
                                f'has {len(states)} of them for '
                                f'{self.world_size} processes')

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        partial = f'{filename}.part'
        super().save_checkpoint(out_dir, partial, *args, **kwargs)
        partial_path = osp.join(out_dir, partial)
        _fsync_file(partial_path)
        os.replace(partial_path, osp.join(out_dir, filename))
