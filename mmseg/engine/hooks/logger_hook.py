import json
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.hooks import LoggerHook

from mmseg.registry import HOOKS


def _plain(value):
    """JSON-friendly number: 1-element tensors/arrays become floats."""
    if hasattr(value, 'item'):
        return value.item()
    return value


@HOOKS.register_module()
class SegLoggerHook(LoggerHook):
    """``LoggerHook`` that also writes 0.28's ``<timestamp>.log.json``.

    The JSON file is in the work dir, one object per logged training
    iteration (``mode='train'``: lr, time, data_time, losses, ...) and per
    validation (``mode='val'``: the metrics), as ``tools/analyze_logs.py``
    reads it.
    """

    json_path: Optional[str] = None

    def before_run(self, runner) -> None:
        super().before_run(runner)
        if not is_main_process():
            return
        self.json_path = osp.join(runner.work_dir,
                                  f'{runner.timestamp}.log.json')
        cfg_name = getattr(runner.cfg, 'filename', None)
        self._write(dict(exp_name=runner.experiment_name, seed=runner.seed,
                         config=cfg_name and osp.basename(cfg_name)))

    def _write(self, record: dict) -> None:
        if self.json_path is None:
            return
        with open(self.json_path, 'a') as f:
            f.write(json.dumps({k: _plain(v)
                                for k, v in record.items()}) + '\n')

    def _logs_this_iter(self, runner, batch_idx: int) -> bool:
        # the condition of LoggerHook.after_train_iter
        if self.every_n_inner_iters(batch_idx, self.interval):
            return True
        return self.end_of_epoch(runner.train_dataloader, batch_idx) and (
            not self.ignore_last
            or len(runner.train_dataloader) <= self.interval)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        super().after_train_iter(runner, batch_idx, data_batch, outputs)
        if self.json_path and self._logs_this_iter(runner, batch_idx):
            tag, _ = runner.log_processor.get_log_after_iter(
                runner, batch_idx, 'train')
            self._write({**tag, 'mode': 'train', 'epoch': runner.epoch + 1,
                         'iter': runner.iter + 1})

    def after_val_epoch(self, runner, metrics=None) -> None:
        super().after_val_epoch(runner, metrics)
        if self.json_path and metrics:
            lr = runner.optim_wrapper.get_lr()['lr'][0]
            self._write({**metrics, 'mode': 'val', 'epoch': runner.epoch,
                         'iter': runner.iter, 'lr': lr})
