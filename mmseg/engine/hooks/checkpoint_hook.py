"""Checkpoint reliability: the one place that writes training checkpoints.

What is guaranteed, for every checkpoint written by ``AtomicCheckpointHook``:

* **complete or absent**: it is written to ``<name>.part``, flushed to disk
  (``fsync``) and renamed, so a kill at any moment never leaves a truncated
  ``<name>``;
* **a failed write stops cleanly**: when rank 0 cannot write (e.g. disk
  full) every rank raises ``CheckpointWriteError`` with one line saying how
  much space is needed; the files already there are intact;
* **pointers move last**: ``latest.pth`` (a symlink, as in 0.28; a copy
  where symlinks are not available) and ``<work_dir>/last_checkpoint`` are
  replaced atomically, after the checkpoint they name is on disk;
* **rotation loses nothing needed**: ``max_keep_ckpts`` removes old
  checkpoints only after the new one is on disk, and never the checkpoint
  the run resumed from (``ResumableRunner.resumed_from``); the previous best
  checkpoint is removed only once the new best one is written;
* **plain types**: the ``meta`` and ``message_hub`` entries hold lists,
  numbers and strings only (no numpy, no ``HistoryBuffer``), so a
  checkpoint loads with ``torch.load(weights_only=True)``; the history
  buffers are rebuilt when resuming;
* **exact resume**: ``meta['rng_states']`` holds every rank's random
  generator states (``ResumableRunner.resume`` restores them), and during
  training the state of the current iteration is saved before each
  validation, so an evaluation that fails loses nothing.

The hook is built on mmengine's public ``Hook`` interface and
``Runner.save_checkpoint``; it reads and writes the message-hub keys of
mmengine's ``CheckpointHook`` (``last_ckpt``, ``keep_ckpt_ids``,
``best_score*``, ``best_ckpt*``), so checkpoints of either resume with the
other.
"""
import errno
import os
import os.path as osp
import shutil
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.dist import (
    all_gather_object,
    broadcast_object_list,
    get_world_size,
    is_main_process,
)
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from mmseg.registry import HOOKS
from mmseg.utils.errors import CheckpointWriteError

from ..rng import get_rng_state

_BUFFER_TAG = '__history_buffer__'


def to_plain(obj):
    """Recursively replace numpy values and history buffers."""
    if isinstance(obj, HistoryBuffer):
        log, count = obj.data
        return {_BUFFER_TAG: True, 'log': log.tolist(),
                'count': count.tolist(), 'max_length': obj.max_length}
    if isinstance(obj, (np.ndarray, np.generic)):
        return obj.tolist()
    if isinstance(obj, dict):
        return type(obj)((k, to_plain(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_plain(v) for v in obj)
    return obj


def from_plain(obj):
    """Rebuild the history buffers written by :func:`to_plain`."""
    if isinstance(obj, dict) and obj.get(_BUFFER_TAG):
        return HistoryBuffer(obj['log'], obj['count'], obj['max_length'])
    if isinstance(obj, dict):
        return type(obj)((k, from_plain(v)) for k, v in obj.items())
    return obj


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


def _checkpoint_bytes(runner) -> int:
    """Bytes of the tensors a checkpoint holds (model and optimizer)."""
    states = [runner.model.state_dict()]
    wrapper = getattr(runner, 'optim_wrapper', None)
    if wrapper is not None and hasattr(wrapper, 'state_dict'):
        states.append(wrapper.state_dict())
    return sum(t.numel() * t.element_size() for t in _tensors(states))


def _write_error(runner, out_dir: str, filename: str, err: OSError) -> str:
    """One line on why ``filename`` could not be written."""
    if err.errno != errno.ENOSPC:
        return (f'error: could not write checkpoint '
                f'{osp.join(out_dir, filename)}: {err.strerror or err}')
    free = shutil.disk_usage(out_dir).free
    return (f'error: no space left in {out_dir} for {filename}: about '
            f'{_checkpoint_bytes(runner)} bytes needed, {free} free; '
            'earlier checkpoints and logs are intact: free space (or copy '
            'the work dir elsewhere) and continue with --auto-resume')


def write_atomically(runner, out_dir: str, filename: str, **kwargs) -> None:
    """``runner.save_checkpoint`` to ``<filename>.part``, fsync, rename.

    Call it on rank 0 only. ``kwargs`` go to ``Runner.save_checkpoint``.

    Raises:
        OSError: The write failed; no ``filename`` or ``.part`` file is
            left behind and an existing ``filename`` is untouched.
    """
    partial = f'{filename}.part'
    partial_path = osp.join(out_dir, partial)
    try:
        runner.save_checkpoint(out_dir, partial, **kwargs)
        with open(partial_path, 'rb') as f:
            os.fsync(f.fileno())
    except BaseException:
        if osp.isfile(partial_path):
            os.remove(partial_path)
        raise
    os.replace(partial_path, osp.join(out_dir, filename))


def save_on_all_ranks(runner, out_dir: str, filename: str, **kwargs) -> None:
    """Write a checkpoint on rank 0; every rank must call it.

    Raises:
        CheckpointWriteError: On every rank, when rank 0 could not write it.
    """
    error = None
    if is_main_process():
        try:
            write_atomically(runner, out_dir, filename, **kwargs)
        except OSError as err:
            error = _write_error(runner, out_dir, filename, err)
    if get_world_size() > 1:
        shared = [error]
        broadcast_object_list(shared)
        error = shared[0]
    if error:
        raise CheckpointWriteError(error)


def _atomic_symlink(target: str, link: str) -> None:
    """Point ``link`` at ``target`` (a name in the same folder) atomically.

    Falls back to an atomic copy where symlinks are not available.
    """
    tmp = f'{link}.tmp'
    if osp.lexists(tmp):
        os.remove(tmp)
    try:
        os.symlink(target, tmp)
    except OSError:
        shutil.copyfile(osp.join(osp.dirname(link), target), tmp)
    os.replace(tmp, link)


def _atomic_write_text(path: str, text: str) -> None:
    tmp = f'{path}.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def _rule_of(key: str) -> str:
    return 'less' if 'loss' in key.lower() else 'greater'


@HOOKS.register_module()
class AtomicCheckpointHook(Hook):
    """Save checkpoints with the guarantees of this module's docstring.

    Args:
        interval: Save every ``interval`` iterations (epochs with
            ``by_epoch``); -1: never by interval.
        by_epoch: Count epochs instead of iterations.
        save_optimizer: Also save the optimizer state.
        save_param_scheduler: Also save the parameter schedulers.
        out_dir: Folder for the checkpoints (default: the work dir; another
            folder gets the work dir's name appended, as in mmengine).
        max_keep_ckpts: Keep only the newest this many interval
            checkpoints (-1: all).
        save_last: Also save after the last iteration (epoch).
        save_best: Metric name(s) whose best value gets a
            ``best_<metric>_iter_<n>.pth`` checkpoint.
        rule: 'greater' or 'less' (one per ``save_best`` name); default
            'less' for names with 'loss', else 'greater'.
        meta: Extra entries for every checkpoint's ``meta`` (0.28
            ``checkpoint_config.meta``); ``CLASSES`` and ``PALETTE`` default
            to the training dataset's.
    """

    priority = 'VERY_LOW'

    def __init__(self,
                 interval: int = -1,
                 by_epoch: bool = True,
                 save_optimizer: bool = True,
                 save_param_scheduler: bool = True,
                 out_dir: Optional[str] = None,
                 max_keep_ckpts: int = -1,
                 save_last: bool = True,
                 save_best: Union[str, Sequence[str], None] = None,
                 rule: Union[str, Sequence[str], None] = None,
                 meta: Optional[dict] = None):
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_optimizer = save_optimizer
        self.save_param_scheduler = save_param_scheduler
        self.out_dir = out_dir
        self.max_keep_ckpts = max_keep_ckpts
        self.save_last = save_last
        self.key_indicators: List[str] = [save_best] if isinstance(
            save_best, str) else list(save_best or [])
        rules = [rule] * len(self.key_indicators) if rule is None or \
            isinstance(rule, str) else list(rule)
        if len(rules) != len(self.key_indicators):
            raise ValueError(f'checkpoint save_best {self.key_indicators} '
                             f'needs one rule each, got {rules}')
        for r in rules:
            if r not in (None, 'greater', 'less'):
                raise ValueError(f"checkpoint rule must be 'greater' or "
                                 f"'less', got {r!r}")
        self.rules = [r or _rule_of(k)
                      for k, r in zip(self.key_indicators, rules)]
        self.extra_meta = dict(meta or {})
        self.filename_tmpl = 'epoch_{}.pth' if by_epoch else 'iter_{}.pth'
        self.last_ckpt: Optional[str] = None
        self.keep_ckpt_ids: List[int] = []
        self.best_ckpt_paths: Dict[str, Optional[str]] = {}
        self._training = False

    # message-hub keys of mmengine's CheckpointHook
    def _best_keys(self, key: str):
        if len(self.key_indicators) == 1:
            return 'best_score', 'best_ckpt'
        return f'best_score_{key}', f'best_ckpt_{key}'

    def before_train(self, runner) -> None:
        if self.out_dir is None:
            self.out_dir = runner.work_dir
        elif osp.abspath(self.out_dir) != osp.abspath(runner.work_dir):
            self.out_dir = osp.join(
                self.out_dir, osp.basename(runner.work_dir.rstrip(osp.sep)))
        os.makedirs(self.out_dir, exist_ok=True)
        runner.logger.info(f'Checkpoints will be saved to {self.out_dir}.')
        # 0.28 puts the training classes and palette in every checkpoint
        dataset = getattr(runner.train_dataloader, 'dataset', None)
        for key in ('CLASSES', 'PALETTE'):
            self.extra_meta.setdefault(key, getattr(dataset, key, None))
        info = runner.message_hub.runtime_info
        self.keep_ckpt_ids = list(info.get('keep_ckpt_ids', []))
        self.last_ckpt = info.get('last_ckpt')
        self.best_ckpt_paths = {k: info.get(self._best_keys(k)[1])
                                for k in self.key_indicators}
        self._training = True

    def after_train(self, runner) -> None:
        self._training = False

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.by_epoch:
            return
        if self.every_n_train_iters(runner, self.interval) or (
                self.save_last and self.is_last_train_iter(runner)):
            runner.logger.info(
                f'Saving checkpoint at {runner.iter + 1} iterations')
            self.save_now(runner, runner.iter + 1)

    def after_train_epoch(self, runner) -> None:
        if not self.by_epoch:
            return
        if self.every_n_epochs(runner, self.interval) or (
                self.save_last and self.is_last_train_epoch(runner)):
            runner.logger.info(
                f'Saving checkpoint at {runner.epoch + 1} epochs')
            self._save(runner, runner.epoch + 1,
                       dict(epoch=runner.epoch + 1, iter=runner.iter))

    def before_val(self, runner) -> None:
        if self._training and not self.by_epoch:
            self.save_now(runner, runner.iter)

    def save_now(self, runner, iteration: int) -> str:
        """Save the state after ``iteration`` iterations, if not saved yet.

        Every rank must call it (the random states are gathered).

        Returns:
            The checkpoint's path.
        """
        path = osp.join(self.out_dir, self.filename_tmpl.format(iteration))
        if self.last_ckpt != path:
            self._save(runner, iteration,
                       dict(epoch=runner.epoch, iter=iteration))
        return path

    def _save(self, runner, step: int, meta: dict) -> None:
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, filename)
        hub = runner.message_hub
        hub.update_info('last_ckpt', self.last_ckpt)
        if self.max_keep_ckpts > 0 and (not self.keep_ckpt_ids
                                        or self.keep_ckpt_ids[-1] != step):
            self.keep_ckpt_ids.append(step)
            hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        rng_states = all_gather_object(get_rng_state())
        save_on_all_ranks(
            runner, self.out_dir, filename,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta={**self.extra_meta, **meta, 'rng_states': rng_states},
            by_epoch=self.by_epoch)
        if not is_main_process():
            return
        _atomic_symlink(filename, osp.join(self.out_dir, 'latest.pth'))
        _atomic_write_text(osp.join(runner.work_dir, 'last_checkpoint'),
                           self.last_ckpt)
        self._rotate(runner)

    def _rotate(self, runner) -> None:
        """Delete the oldest checkpoints beyond ``max_keep_ckpts``."""
        if self.max_keep_ckpts <= 0:
            return
        resumed_from = getattr(runner, 'resumed_from', None)
        while len(self.keep_ckpt_ids) > self.max_keep_ckpts:
            path = osp.join(self.out_dir, self.filename_tmpl.format(
                self.keep_ckpt_ids.pop(0)))
            if osp.isfile(path) and osp.abspath(path) != resumed_from:
                os.remove(path)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))

    def after_val_epoch(self, runner, metrics=None) -> None:
        """Save a new best checkpoint for each improved ``save_best``."""
        if not self.key_indicators or not metrics:
            return
        step = runner.epoch if self.by_epoch else runner.iter
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        hub = runner.message_hub
        improved = False
        for key, rule in zip(self.key_indicators, self.rules):
            if key not in metrics:
                raise KeyError(f'checkpoint save_best={key!r} is not among '
                               f'the metrics {sorted(metrics)}; set '
                               'evaluation.save_best to one of them')
            score_key, path_key = self._best_keys(key)
            best = hub.runtime_info.get(score_key)
            score = metrics[key]
            if best is not None and not (
                    score > best if rule == 'greater' else score < best):
                continue
            improved = True
            hub.update_info(score_key, score)
            name = f'best_{key}_{self.filename_tmpl.format(step)}'.replace(
                '/', '_')
            path = osp.join(self.out_dir, name)
            hub.update_info(path_key, path)
            save_on_all_ranks(runner, self.out_dir, name,
                              save_optimizer=False,
                              save_param_scheduler=False, meta=meta,
                              by_epoch=False)
            runner.logger.info(f'The best checkpoint with {score:0.4f} '
                               f'{key} at {step} '
                               f'{"epoch" if self.by_epoch else "iter"} '
                               f'is saved to {name}.')
            old = self.best_ckpt_paths.get(key)
            self.best_ckpt_paths[key] = path
            if old and old != path and is_main_process() and \
                    osp.isfile(old):
                os.remove(old)
                runner.logger.info(f'previous best checkpoint {old} removed')
        # the last checkpoint's message hub must name the new best one
        if improved and self.last_ckpt is not None and self._training:
            self._save(runner, step, meta)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = to_plain(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if 'message_hub' in checkpoint:
            checkpoint['message_hub'] = from_plain(checkpoint['message_hub'])
