import errno
import os
import os.path as osp
import platform
import shutil
from typing import Optional

import torch
from mmengine.dist import (
    broadcast_object_list,
    get_world_size,
    is_main_process,
    master_only,
)
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmseg.utils.checkpoint import check_matches

from .console import install_filters
from .hooks.cac_memory_hook import CACMemoryStateHook
from .hooks.plain_state_hook import PlainStateHook
from .hooks.stop_on_signal_hook import StopOnSignalHook
from .rng import set_rng_state
from .stop import CheckpointWriteError


def _tensors(obj):
    """The tensors inside nested dicts and lists."""
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _tensors(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _tensors(value)


def _fsync_file(path: str) -> None:
    with open(path, 'rb') as f:
        os.fsync(f.fileno())


class SegRunner(Runner):
    """mmengine ``Runner`` with the 0.28 conventions this toolbox keeps.

    * checkpoints are written to ``<name>.part`` and renamed, so a kill never
      leaves a truncated checkpoint; a write that fails (full disk) stops
      every rank with one line (``CheckpointWriteError``);
    * the text log is ``<work_dir>/<timestamp>.log``, as in 0.28;
    * the config dump never overwrites a different earlier one (it then
      goes to ``<name>.<timestamp>.py``);
    * the checkpoint a run resumed from is remembered (``resumed_from``) so
      that rotation never deletes it;
    * the console shows two environment lines and no config or hook
      table (see ``mmseg/engine/console.py``);
    * checkpoints hold plain types only (``PlainStateHook``), so they load
      with ``torch.load(weights_only=True)``;
    * CAC anchor memories are saved and resumed (``CACMemoryStateHook``).
    """

    resumed_from: Optional[str] = None
    _resuming = False
    _loaded_meta: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_hook(PlainStateHook())
        self.register_hook(CACMemoryStateHook())

    def train(self):
        """Train; SIGINT/SIGTERM are caught from here on.

        Before the data loader workers are forked, so that they inherit the
        handler (see ``StopOnSignalHook``).
        """
        for hook in self.hooks:
            if isinstance(hook, StopOnSignalHook):
                hook.flag.install()
        return super().train()

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

    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        """Write the checkpoint on rank 0; every rank must call it.

        Raises:
            CheckpointWriteError: On every rank, when rank 0 could not
                write it (e.g. disk full); files already there are intact.
        """
        error = None
        if is_main_process():
            try:
                self._write_checkpoint(out_dir, filename, *args, **kwargs)
            except OSError as err:
                error = self._write_error(out_dir, filename, err)
        if get_world_size() > 1:
            shared = [error]
            broadcast_object_list(shared)
            error = shared[0]
        if error:
            raise CheckpointWriteError(error)

    def _write_checkpoint(self, out_dir: str, filename: str, *args,
                          **kwargs) -> None:
        partial = f'{filename}.part'
        partial_path = osp.join(out_dir, partial)
        try:
            super().save_checkpoint(out_dir, partial, *args, **kwargs)
            _fsync_file(partial_path)
        except OSError:
            if osp.isfile(partial_path):
                os.remove(partial_path)
            raise
        os.replace(partial_path, osp.join(out_dir, filename))

    def _write_error(self, out_dir: str, filename: str,
                     err: OSError) -> str:
        """One line on why ``filename`` could not be written."""
        if err.errno != errno.ENOSPC:
            return (f'error: could not write checkpoint '
                    f'{osp.join(out_dir, filename)}: {err.strerror or err}')
        free = shutil.disk_usage(out_dir).free
        return (f'error: no space left in {out_dir} for {filename}: about '
                f'{self._checkpoint_bytes()} bytes needed, {free} free; '
                'earlier checkpoints and logs are intact: free space (or '
                'copy the work dir elsewhere) and continue with '
                '--auto-resume')

    def _checkpoint_bytes(self) -> int:
        """Bytes of the tensors a checkpoint holds (model and optimizer)."""
        states = [self.model.state_dict()]
        if getattr(self, 'optim_wrapper', None) is not None and \
                hasattr(self.optim_wrapper, 'state_dict'):
            states.append(self.optim_wrapper.state_dict())
        return sum(t.numel() * t.element_size()
                   for t in _tensors(states))
