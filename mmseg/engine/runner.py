import os.path as osp
import platform
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.dist import master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmseg.models.builder import fall_back_from_sync_bn
from mmseg.utils.checkpoint import check_matches

from .console import install_filters
from .hooks.cac_hooks import CACMemoryStateHook
from .hooks.stop_on_signal_hook import StopOnSignalHook
from .rng import set_rng_state
from .speed import apply_speed_settings


class ResumableRunner(Runner):
    """mmengine ``Runner`` with the 0.28 conventions this toolbox keeps.

    * the text log is ``<work_dir>/<timestamp>.log``, as in 0.28;
    * the config dump never overwrites a different earlier one (it then
      goes to ``<name>.<timestamp>.py``);
    * the checkpoint a run resumed from is remembered (``resumed_from``) so
      that rotation never deletes it, and every rank's random generators
      are restored from it;
    * the console shows two environment lines instead of mmengine's
      environment block and config (``mmseg/engine/console.py`` demotes
      those to DEBUG);
    * CAC anchor memories are saved and resumed (``CACMemoryStateHook``).

    How checkpoints are written (atomically, plain types, rotation) is the
    business of ``AtomicCheckpointHook`` (``hooks/checkpoint_hook.py``).
    """

    resumed_from: Optional[str] = None
    _resuming = False
    _loaded_meta: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_environment()
        self.register_hook(CACMemoryStateHook())

    def build_model(self, model):
        """Build as mmengine does; SyncBN becomes BN without CUDA."""
        return fall_back_from_sync_bn(super().build_model(model))

    def wrap_model(self, model_wrapper_cfg, model):
        """Apply the ``speed`` settings, then wrap (DDP) as mmengine does."""
        speed = self.cfg.get('speed') or {}
        if speed:
            apply_speed_settings(model, speed.get('compile'),
                                 speed.get('channels_last', False))
        return super().wrap_model(model_wrapper_cfg, model)

    def build_visualizer(self, visualizer=None):
        """A visualizer of this runner's own (several runners may start in
        the same second in one process)."""
        if isinstance(visualizer, dict):
            visualizer = dict(visualizer)
            visualizer.setdefault('name', f'visualizer_{id(self)}')
        return super().build_visualizer(visualizer)

    def train(self):
        """Train; SIGINT/SIGTERM are caught from here on.

        Before the data loader workers are forked, so that they inherit the
        handler (see ``StopOnSignalHook``).
        """
        for hook in self.hooks:
            if isinstance(hook, StopOnSignalHook):
                hook.flag.install()
        return super().train()

    def log_environment(self) -> None:
        """Two lines on what this run really uses; the merged config goes
        to the work dir (``dump_config``), not to the console."""
        import cv2
        from mmengine import __version__ as mmengine_version
        if torch.cuda.is_available():
            device = f'CUDA ({torch.cuda.get_device_name(0)})'
        else:
            device = 'CPU (no CUDA)'
        backend = dist.get_backend() if dist.is_initialized() else None
        procs = (f'{self.world_size} processes ({self.launcher}, {backend})'
                 if self.distributed else '1 process')
        self.logger.info(
            f'environment: Python {platform.python_version()}, PyTorch '
            f'{torch.__version__}, MMEngine {mmengine_version}, OpenCV '
            f'{cv2.__version__}, device {device}')
        self.logger.info(f'run: {procs}, seed {self.seed}, work dir '
                         f'{self.work_dir}')

    def build_logger(self, log_level='INFO', log_file=None, **kwargs):
        if log_file is None:
            log_file = osp.join(self.work_dir, f'{self.timestamp}.log')
        logger = super().build_logger(log_level, log_file, **kwargs)
        install_filters(logger)
        return logger

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
        """Write the config the run was started from (the 0.28 one, given
        as ``source_config`` by the translation) to the work dir."""
        source = self.cfg.get('source_config') or {}
        name = osp.basename(source.get('filename') or self.cfg.filename
                            or f'{self.timestamp}.py')
        path = osp.join(self.work_dir, name)
        text = source.get('text') or self.cfg.pretty_text
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
