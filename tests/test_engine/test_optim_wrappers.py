"""SkipNonFiniteAmpOptimWrapper on CPU: bfloat16 autocast, the code path
of CUDA."""
import pytest
import torch
import torch.nn as nn

from mmseg.engine import SkipNonFiniteAmpOptimWrapper


def build(model, **kwargs):
    return SkipNonFiniteAmpOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_cpu_autocasts_to_bfloat16_and_steps():
    model = nn.Linear(4, 2)
    wrapper = build(model)
    assert wrapper.cast_dtype == torch.bfloat16
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
        assert out.dtype == torch.bfloat16
        loss = out.float().pow(2).mean()
    wrapper.update_params(loss)
    assert not torch.equal(before, model.weight)
    assert model.weight.dtype == torch.float32  # master weights stay fp32


def test_non_finite_loss_skips_the_step():
    model = nn.Linear(4, 2)
    wrapper = build(model)
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        loss = model(torch.randn(3, 4)).float().sum() * float('nan')
    wrapper.update_params(loss)
    assert torch.equal(before, model.weight)


def test_state_dict_has_the_scaler_and_round_trips():
    model = nn.Linear(4, 2)
    wrapper = build(model, loss_scale=128.)
    state = wrapper.state_dict()
    assert 'loss_scaler' in state and 'param_groups' in state
    other = build(nn.Linear(4, 2), loss_scale=128.)
    other.load_state_dict(state)
    assert other.param_groups[0]['lr'] == 0.1


def test_bad_loss_scale_is_a_clear_error():
    with pytest.raises(TypeError, match='fp16.loss_scale'):
        build(nn.Linear(4, 2), loss_scale='static')
