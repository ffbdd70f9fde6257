"""The learning-rate policies of MMCV 1.x (0.28's ``lr_config``), exactly.

``LegacyLRScheduler`` is stepped after every iteration and computes the rate
of the next one in closed form from the iteration counter, so values match
``LrUpdaterHook`` at every iteration and a resumed run needs nothing but the
counter. With ``by_epoch=True`` the policy advances once per epoch
(``epoch_length`` iterations) while the warm-up still counts iterations.
"""
from typing import List, Optional, Sequence, Union

from mmengine.optim import _ParamScheduler
from mmengine.optim.scheduler.param_scheduler import INF

from mmseg.registry import PARAM_SCHEDULERS

POLICIES = ('poly', 'step', 'exp', 'fixed')
WARMUPS = (None, 'linear', 'constant', 'exp')


def regular_lr(base_lr: float, policy: str, progress: int,
               max_progress: int, power: float = 1.0, min_lr: float = 0.,
               gamma: float = 0.1,
               step: Union[int, Sequence[int], None] = None) -> float:
    """The rate of ``policy`` at ``progress`` (iterations or epochs)."""
    if policy == 'poly':
        coeff = (1 - progress / max_progress)**power
        return (base_lr - min_lr) * coeff + min_lr
    if policy == 'step':
        if isinstance(step, int):
            exponent = progress // step
        else:
            exponent = sum(progress >= s for s in step)
        lr = base_lr * gamma**exponent
        return lr if min_lr is None else max(lr, min_lr)
    if policy == 'exp':
        return base_lr * gamma**progress
    return base_lr  # 'fixed'


def warmup_lr(lr: float, warmup: str, cur_iter: int, warmup_iters: int,
              warmup_ratio: float) -> float:
    """Scale ``lr`` during the warm-up, as MMCV's LrUpdaterHook does."""
    if warmup == 'constant':
        return lr * warmup_ratio
    if warmup == 'linear':
        k = (1 - cur_iter / warmup_iters) * (1 - warmup_ratio)
        return lr * (1 - k)
    return lr * warmup_ratio**(1 - cur_iter / warmup_iters)  # 'exp'


@PARAM_SCHEDULERS.register_module()
class LegacyLRScheduler(_ParamScheduler):
    """MMCV-1.x ``lr_config`` as an mmengine parameter scheduler.

    Args:
        optimizer: Optimizer or optim wrapper.
        policy: 'poly', 'step', 'exp' or 'fixed'.
        max_progress: ``max_iters``, or ``max_epochs`` when ``by_epoch``.
        power, min_lr, gamma, step: Policy arguments as in ``lr_config``.
        warmup: None, 'linear', 'constant' or 'exp'.
        warmup_iters: Warm-up length in iterations.
        warmup_ratio: Starting fraction of the rate.
        lr_by_epoch: Advance the policy per epoch (0.28's ``by_epoch``).
        epoch_length: Iterations per epoch; the Runner passes it.
        begin, end, last_step: As in mmengine's schedulers (iterations).
        by_epoch: mmengine's stepping unit; must stay False (iterations).
    """

    def __init__(self,
                 optimizer,
                 policy: str = 'poly',
                 max_progress: int = 1,
                 power: float = 1.0,
                 min_lr: Optional[float] = None,
                 gamma: float = 0.1,
                 step: Union[int, List[int], None] = None,
                 warmup: Optional[str] = None,
                 warmup_iters: int = 0,
                 warmup_ratio: float = 0.1,
                 lr_by_epoch: bool = False,
                 epoch_length: Optional[int] = None,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = False):
        if policy not in POLICIES:
            raise ValueError(f'lr_config.policy {policy!r} is not supported; '
                             f'use one of {POLICIES}')
        if warmup not in WARMUPS:
            raise ValueError(f'lr_config.warmup {warmup!r} is not supported; '
                             f'use one of {WARMUPS}')
        if warmup is not None and warmup_iters <= 0:
            raise ValueError('lr_config.warmup_iters must be positive')
        if policy == 'step' and step is None:
            raise ValueError("lr_config.policy='step' needs 'step'")
        if by_epoch:
            raise ValueError('LegacyLRScheduler steps per iteration; use '
                             'lr_by_epoch for per-epoch policies')
        if lr_by_epoch and not epoch_length:
            raise ValueError('lr_by_epoch=True needs epoch_length')
        self.policy = policy
        self.max_progress = max_progress
        self.power = power
        self.min_lr = (0. if policy == 'poly' else None) \
            if min_lr is None else min_lr
        self.gamma = gamma
        self.step_size = step
        self.warmup = warmup
        self.warmup_iters = warmup_iters
        self.warmup_ratio = warmup_ratio
        self.epoch_length = epoch_length
        self.lr_by_epoch = lr_by_epoch
        super().__init__(optimizer, 'lr', begin=begin, end=end,
                         last_step=last_step, by_epoch=False)

    def lr_at(self, base_lr: float, cur_iter: int) -> float:
        """The rate of iteration ``cur_iter`` (0-based)."""
        progress = cur_iter // self.epoch_length if self.lr_by_epoch \
            else cur_iter
        lr = regular_lr(base_lr, self.policy, progress, self.max_progress,
                        self.power, self.min_lr, self.gamma, self.step_size)
        if self.warmup is not None and cur_iter < self.warmup_iters:
            lr = warmup_lr(lr, self.warmup, cur_iter, self.warmup_iters,
                           self.warmup_ratio)
        return lr

    def _get_value(self) -> List[float]:
        return [self.lr_at(base, self.last_step) for base in self.base_values]


def lr_config_to_scheduler(lr_config: dict, max_iters: Optional[int],
                           max_epochs: Optional[int]) -> dict:
    """Turn a 0.28 ``lr_config`` into a ``LegacyLRScheduler`` config.

    Raises:
        ValueError: For keys or policies that have no equivalent here.
    """
    cfg = dict(lr_config)
    policy = cfg.pop('policy')
    by_epoch = cfg.pop('by_epoch', True)
    known = {'power', 'min_lr', 'gamma', 'step', 'warmup', 'warmup_iters',
             'warmup_ratio'}
    unknown = set(cfg) - known - {'warmup_by_epoch'}
    if unknown:
        raise ValueError(f'lr_config: unsupported keys {sorted(unknown)}')
    if cfg.pop('warmup_by_epoch', False):
        raise ValueError('lr_config.warmup_by_epoch=True is not supported; '
                         'give warmup_iters in iterations')
    max_progress = max_epochs if by_epoch else max_iters
    if max_progress is None:
        unit = 'max_epochs' if by_epoch else 'max_iters'
        raise ValueError(f'lr_config.by_epoch={by_epoch} needs runner.'
                         f'{unit}')
    return dict(type='LegacyLRScheduler', policy=policy.lower(),
                max_progress=max_progress, lr_by_epoch=by_epoch,
                by_epoch=False, **cfg)
