from mmengine.runner import IterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator

from mmseg.registry import LOOPS


@LOOPS.register_module()
class SegIterBasedTrainLoop(IterBasedTrainLoop):
    """Iteration-based training that resumes without reloading data.

    mmengine resumes by loading and discarding every batch already trained
    on; with a sampler that can ``skip`` (``ResumableInfiniteSampler``) the
    stream is restarted at the right place instead. The sampler always uses
    the runner's seed, which a resume restores from the checkpoint.
    """

    def _restart_data_stream(self) -> None:
        sampler = self.dataloader.sampler
        sampler.seed = self.runner.seed
        sampler.skip(self._iter * self.dataloader.batch_size)
        self.dataloader_iterator = _InfiniteDataloaderIterator(
            self.dataloader)

    def run(self):
        if not hasattr(self.dataloader.sampler, 'skip'):
            return super().run()
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        self._restart_data_stream()
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            self.run_iter(next(self.dataloader_iterator))
            self._decide_current_val_interval()
            if self._should_validate():
                self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def _should_validate(self) -> bool:
        return (self.runner.val_loop is not None
                and self._iter >= self.val_begin
                and (self._iter % self.val_interval == 0
                     or self._iter == self._max_iters))
