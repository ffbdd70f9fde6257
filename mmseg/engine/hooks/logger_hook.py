import datetime
import json
import os.path as osp
from typing import Optional

from mmengine.dist import is_main_process
from mmengine.fileio import dump
from mmengine.hooks import LoggerHook
from mmengine.runner import EpochBasedTrainLoop

from mmseg.registry import HOOKS


def _plain(value):
    """JSON-friendly number: 1-element tensors/arrays become floats."""
    if hasattr(value, 'item'):
        return value.item()
    return value


def compact_train_line(runner, tag: dict) -> str:
    """``iter 50/500  loss 5.338  lr 1.82e-02  0.79 s/it  eta 0:05:55``."""
    done = runner.iter + 1
    seconds = tag.get('time', 0.0)
    eta = datetime.timedelta(
        seconds=int(seconds * (runner.max_iters - done)))
    width = len(str(runner.max_iters))
    parts = [f'iter {done:>{width}}/{runner.max_iters}']
    if 'loss' in tag:
        parts.append(f'loss {tag["loss"]:.4f}')
    if 'lr' in tag:
        parts.append(f'lr {tag["lr"]:.2e}')
    parts += [f'{seconds:.2f} s/it', f'eta {eta}']
    return '  '.join(parts)


@HOOKS.register_module()
class JsonLoggerHook(LoggerHook):
    """``LoggerHook`` that also writes 0.28's ``<timestamp>.log.json``.

    The JSON file is in the work dir, one object per logged training
    iteration (``mode='train'``: lr, time, data_time, losses, ...) and per
    validation (``mode='val'``: the metrics), as ``tools/analyze_logs.py``
    reads it.

    The console gets one compact line per logging interval (iteration,
    loss, lr, time per iteration, ETA); the full line with every loss and
    accuracy goes to the text log file, the JSON log and the visualizer.
    Validation scalars are logged at the training iteration they belong to
    (``log_metric_by_epoch=False`` for iteration-based schedules).
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

    def logs_this_iter(self, runner, batch_idx: int) -> bool:
        """Every ``interval`` iterations of the loop (of the epoch, in
        epoch-based runs) and at the end of every epoch, unless
        ``ignore_last`` and the epoch is longer than the interval."""
        if self.every_n_inner_iters(batch_idx, self.interval):
            return True
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            return False
        return self.end_of_epoch(runner.train_dataloader, batch_idx) and (
            not self.ignore_last
            or len(runner.train_dataloader) <= self.interval)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        """At the interval: one compact console line, every value to the
        text/JSON logs and the visualizer backends (TensorBoard)."""
        if not self.logs_this_iter(runner, batch_idx):
            return
        tag, full_line = runner.log_processor.get_log_after_iter(
            runner, batch_idx, 'train')
        runner.logger.info(compact_train_line(runner, tag),
                           extra=dict(only='console'))
        runner.logger.info(full_line, extra=dict(only='file'))
        runner.visualizer.add_scalars(tag, step=runner.iter + 1,
                                      file_path=self.json_log_path)
        self._write({**tag, 'mode': 'train', 'epoch': runner.epoch + 1,
                     'iter': runner.iter + 1})

    def after_val_iter(self, runner, batch_idx: int, data_batch=None,
                       outputs=None) -> None:
        """Nothing per validation iteration: the progress bar shows it."""

    def after_test_iter(self, runner, batch_idx: int, data_batch=None,
                        outputs=None) -> None:
        """Nothing per test iteration: the progress bar shows it."""

    def after_test_epoch(self, runner, metrics=None) -> None:
        """The metrics' one long line to the log file only (the console
        ends with the tables); the metrics JSON as in mmengine."""
        tag, line = runner.log_processor.get_log_after_epoch(
            runner, len(runner.test_dataloader), 'test', with_non_scalar=True)
        runner.logger.info(line, extra=dict(only='file'))
        dump(self._process_tags(tag),
             osp.join(runner.log_dir, self.json_log_path))

    def after_val_epoch(self, runner, metrics=None) -> None:
        """The metrics to the visualizer (at the training iteration) and
        the JSON log; their one long line to the log file only (the
        console has the summary table)."""
        tag, line = runner.log_processor.get_log_after_epoch(
            runner, len(runner.val_dataloader), 'val')
        runner.logger.info(line, extra=dict(only='file'))
        training = not (isinstance(runner._train_loop, dict)
                        or runner._train_loop is None)
        if not training:
            step = 0
        else:
            step = runner.epoch if self.log_metric_by_epoch else runner.iter
        runner.visualizer.add_scalars(tag, step=step,
                                      file_path=self.json_log_path)
        if self.json_path and metrics:
            lr = runner.optim_wrapper.get_lr()['lr'][0]
            self._write({**metrics, 'mode': 'val', 'epoch': runner.epoch,
                         'iter': runner.iter, 'lr': lr})
