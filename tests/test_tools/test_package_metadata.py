"""The package accepts the torch a user already has."""
from importlib.metadata import requires

from packaging.requirements import Requirement


def test_torch_has_no_upper_bound():
    (torch, ) = [Requirement(r) for r in requires('mmseg-cac')
                 if Requirement(r).name == 'torch']
    assert all(spec.operator in ('>=', '>') for spec in torch.specifier)
