import os
import os.path as osp
import shutil
from collections import deque

from mmengine.dist import all_gather_object, is_main_process
from mmengine.hooks import CheckpointHook

from mmseg.registry import HOOKS

from ..rng import get_rng_state


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


@HOOKS.register_module()
class SegCheckpointHook(CheckpointHook):
    """Checkpoint hook that never loses a checkpoint already written.

    Compared with mmengine's hook: the new checkpoint is written (atomically,
    by ``SegRunner``) *before* old ones are rotated out; rotation skips the
    checkpoint the run resumed from; ``latest.pth`` (a symlink, as in 0.28)
    and ``last_checkpoint`` are updated atomically; the previous best
    checkpoint is removed only once the new best is on disk. During training
    the state of the iteration is saved before each validation, so that an
    evaluation that fails loses nothing (``save_now``).

    Args:
        meta: Extra entries for every checkpoint's ``meta`` (0.28
            ``checkpoint_config.meta``, e.g. ``CLASSES`` and ``PALETTE``).
        **kwargs: ``CheckpointHook`` arguments.
    """

    def __init__(self, meta: dict = None, **kwargs):
        super().__init__(**kwargs)
        self.extra_meta = dict(meta or {})

    def before_train(self, runner) -> None:
        super().before_train(runner)
        # mmengine restores a bounded deque that drops ids without deleting
        self.keep_ckpt_ids = deque(getattr(self, 'keep_ckpt_ids', ()))
        self._training = True

    def after_train(self, runner) -> None:
        super().after_train(runner)
        self._training = False

    def before_val(self, runner) -> None:
        if getattr(self, '_training', False) and not self.by_epoch:
            self.save_now(runner, runner.iter)

    def save_now(self, runner, iteration: int) -> str:
        """Save the state after ``iteration`` iterations, if not saved yet.

        Every rank must call it (the random states are gathered).

        Returns:
            The checkpoint's path.
        """
        path = self.file_backend.join_path(
            self.out_dir, self.filename_tmpl.format(iteration))
        if getattr(self, 'last_ckpt', None) != path:
            self._save_checkpoint_with_step(
                runner, iteration, dict(epoch=runner.epoch, iter=iteration))
        return path

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        if self.max_keep_ckpts > 0 and (not self.keep_ckpt_ids
                                        or self.keep_ckpt_ids[-1] != step):
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        # every rank's generators, so that a resume continues exactly
        rng_states = all_gather_object(get_rng_state())
        runner.save_checkpoint(
            self.out_dir, filename, self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta={**self.extra_meta, **meta, 'rng_states': rng_states},
            by_epoch=self.by_epoch, backend_args=self.backend_args,
            **self.args)
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
            path = osp.join(self.out_dir,
                            self.filename_tmpl.format(
                                self.keep_ckpt_ids.popleft()))
            if osp.isfile(path) and osp.abspath(path) != resumed_from:
                os.remove(path)
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:
            return
        previous = self.best_ckpt_paths()
        self._set_best_ckpt_paths({key: None for key in previous})
        super()._save_best_checkpoint(runner, metrics)
        current = self.best_ckpt_paths()
        for key, old in previous.items():
            if current[key] is None:  # not improved: keep the old one
                current[key] = old
            elif old and old != current[key] and is_main_process() and \
                    osp.isfile(old):
                os.remove(old)
                runner.logger.info(f'previous best checkpoint {old} removed')
        self._set_best_ckpt_paths(current)

    def best_ckpt_paths(self) -> dict:
        """Best checkpoint path per key indicator."""
        if len(self.key_indicators) == 1:
            return {self.key_indicators[0]: self.best_ckpt_path}
        return {k: self.best_ckpt_path_dict.get(k)
                for k in self.key_indicators}

    def _set_best_ckpt_paths(self, paths: dict) -> None:
        if len(self.key_indicators) == 1:
            self.best_ckpt_path = paths[self.key_indicators[0]]
        else:
            self.best_ckpt_path_dict.update(paths)
