from mmengine.dist import get_world_size, is_main_process
from mmengine.hooks import Hook
from mmengine.utils import ProgressBar

from mmseg.registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """A progress bar over the images of validation and test runs."""

    priority = 'VERY_LOW'

    def _start(self, dataloader) -> None:
        self.bar = ProgressBar(len(dataloader.dataset)) \
            if is_main_process() else None

    def _advance(self, data_batch) -> None:
        if self.bar is None:
            return
        batch = len(data_batch.get('sample_idx', [None]))
        for _ in range(batch * get_world_size()):
            if self.bar.completed < self.bar.task_num:
                self.bar.update()
        if self.bar.completed >= self.bar.task_num:
            self._finish()

    def before_val_epoch(self, runner) -> None:
        self._start(runner.val_dataloader)

    def before_test_epoch(self, runner) -> None:
        self._start(runner.test_dataloader)

    def _finish(self) -> None:
        # mmengine's bar does not end its line; the next log line would
        # be glued to it
        if self.bar is not None:
            self.bar.file.write('\n')
            self.bar.file.flush()
            self.bar = None

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._finish()

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._finish()

    def after_val_iter(self, runner, batch_idx, data_batch=None,
                       outputs=None) -> None:
        self._advance(data_batch)

    def after_test_iter(self, runner, batch_idx, data_batch=None,
                        outputs=None) -> None:
        self._advance(data_batch)
