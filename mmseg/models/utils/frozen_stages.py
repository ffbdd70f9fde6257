"""``train()`` of backbones with frozen stages (ResNet, HRNet, Swin)."""
from torch.nn.modules.batchnorm import _BatchNorm


class FrozenStagesMixin:
    """Keeps a backbone's frozen stages in eval mode when it trains and,
    with ``norm_eval``, its batch norms too (running statistics fixed
    while the rest trains). The backbone defines ``_freeze_stages``.
    """

    norm_eval = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
