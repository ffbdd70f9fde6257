"""0.28's EvalHook / DistEvalHook on the mmcv 1.x-style runners and on the
project's (mmengine) runner."""
import logging

import pytest
import torch
import torch.nn as nn
from mmengine.runner import Runner
from torch.utils.data import DataLoader, Dataset

import mmseg  # noqa: F401  (installs mmcv.runner)
from mmseg.core import DistEvalHook, EvalHook


class PixelSet(Dataset):
    """Four 1-pixel 'images' whose label is the pixel's sign."""

    values = [-2., -1., 1., 2.]

    def __len__(self):
        return len(self.values)

    def __getitem__(self, idx):
        return dict(img=torch.tensor([self.values[idx]]))

    def evaluate(self, results, logger=None):
        labels = [v > 0 for v in self.values]
        hits = sum(bool(r > 0) == label for r, label in zip(results, labels))
        return dict(acc=hits / len(labels), calls=len(results))


class Sign(nn.Module):
    """Predicts ``w * x``; ``train_step`` records its calls."""

    def __init__(self, weight=1.0):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(weight))
        self.steps = 0

    def forward(self, img, return_loss=True, **kwargs):
        return img * self.w

    def train_step(self, data_batch, optimizer):
        self.steps += 1
        return dict(loss=(self(**data_batch) * 0).sum())


def loader():
    return DataLoader(PixelSet(), batch_size=2)


def test_eval_hook_rejects_non_loader():
    with pytest.raises(TypeError, match='DataLoader'):
        EvalHook([loader()])
    with pytest.raises(ValueError, match='interval'):
        DistEvalHook(loader(), interval=0)


def test_iter_runner_evaluates_every_interval(tmp_path):
    from mmcv.runner import IterBasedRunner, build_runner
    model = Sign(-1.0)
    hook = EvalHook(loader(), interval=2)
    calls = []
    hook_evaluate = hook._do_evaluate
    hook._do_evaluate = lambda runner: (calls.append(runner.iter),
                                        hook_evaluate(runner))
    runner = IterBasedRunner(model=model, optimizer=None,
                             work_dir=str(tmp_path),
                             logger=logging.getLogger('t'))
    runner.register_hook(hook)
    runner.run([loader()], [('train', 1)], 5)
    assert model.steps == 5 and runner.iter == 5
    assert calls == [1, 3]  # after iterations 2 and 4 (0-based 1, 3)
    # the sign is inverted: every prediction is wrong
    assert hook.latest_results == dict(acc=0.0, calls=4)
    assert runner.log_buffer.output['acc'] == 0.0 and runner.log_buffer.ready
    built = build_runner(dict(type='EpochBasedRunner', max_epochs=1),
                         dict(model=Sign(), work_dir=str(tmp_path)))
    assert type(built).__name__ == 'EpochBasedRunner'
    with pytest.raises(KeyError, match='unknown runner type'):
        build_runner(dict(type='Nope'), dict(model=Sign()))
    with pytest.raises(ValueError, match="mode 'val'"):
        runner.run([loader()], [('val', 1)], 1)


def test_epoch_runner_and_dist_hook(tmp_path):
    from mmcv.runner import EpochBasedRunner
    hook = DistEvalHook(loader(), by_epoch=True, interval=2)
    runner = EpochBasedRunner(model=Sign(), work_dir=str(tmp_path))
    runner.register_hook(hook)
    runner.run([loader()], [('train', 1)], 3)
    assert runner.epoch == 3 and runner.iter == 6
    # evaluated once (after epoch 2), in one process
    assert hook.latest_results == dict(acc=1.0, calls=4)


class EngineSign(Sign):
    """The same model with mmengine's train_step."""

    def train_step(self, data, optim_wrapper):
        loss = ((self(**data) - 1)**2).mean()
        optim_wrapper.update_params(loss)
        return dict(loss=loss)


def test_eval_hook_on_mmengine_runner(tmp_path):
    hook = EvalHook(loader(), interval=2)
    runner = Runner(
        model=EngineSign(), work_dir=str(tmp_path),
        train_dataloader=dict(dataset=PixelSet(), batch_size=2,
                              sampler=dict(type='DefaultSampler',
                                           shuffle=False),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.0)),
        train_cfg=dict(by_epoch=False, max_iters=2),
        custom_hooks=[hook], default_hooks=dict(checkpoint=None),
        default_scope='mmseg')
    runner.train()
    assert hook.latest_results == dict(acc=1.0, calls=4)
    assert runner.message_hub.get_scalar('val/acc').current() == 1.0
