"""``force_fp32`` / ``auto_fp16`` under mmengine's AMP (torch.autocast)."""
import torch
from mmcv.runner import auto_fp16, force_fp32


class Head(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 4)
        self.seen = {}

    @auto_fp16(apply_to=('x', ))
    def forward(self, x):
        return self.fc(x)

    @force_fp32(apply_to=('logit', ))
    def losses(self, logit, other):
        self.seen = dict(logit=logit.dtype, other=other.dtype,
                         product=self.fc(logit).dtype)
        return logit.float().mean()


def test_force_fp32_casts_and_disables_autocast():
    head = Head()
    x = torch.randn(2, 4)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        logit = head(x)
        assert logit.dtype == torch.bfloat16
        head.losses(logit, logit)
    # only the argument named in apply_to is cast; inside, autocast is off
    assert head.seen == dict(logit=torch.float32, other=torch.bfloat16,
                             product=torch.float32)


def test_force_fp32_is_a_no_op_without_amp():
    head = Head()
    logit = torch.randn(2, 4, dtype=torch.float64)
    head.fc.double()
    head.losses(logit, logit)
    assert head.seen['logit'] == torch.float64


def test_auto_fp16_casts_only_on_an_fp16_enabled_module():
    head = Head()
    x = torch.randn(2, 4)
    assert head(x).dtype == torch.float32
    head.fp16_enabled = True
    head.fc.half()
    assert head(x).dtype == torch.half


def test_wrap_fp16_model_enables_auto_fp16_and_keeps_float_weights():
    from mmcv.runner import wrap_fp16_model

    class Half(torch.nn.Module):
        fp16_enabled = False

    model = torch.nn.Sequential(Half(), torch.nn.Linear(2, 2))
    wrap_fp16_model(model)
    assert model[0].fp16_enabled
    assert not hasattr(model[1], 'fp16_enabled')
    assert model[1].weight.dtype == torch.float32
