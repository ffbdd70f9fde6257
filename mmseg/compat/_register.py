"""Helpers that add names to mmcv without overriding mmcv 2.x."""
import importlib
import sys
import types


def add_missing(module_name: str, names: dict) -> None:
    """Set each of ``names`` on ``module_name`` unless it already exists."""
    module = importlib.import_module(module_name)
    for name, value in names.items():
        if not hasattr(module, name):
            setattr(module, name, value)


def add_module(full_name: str, names: dict, doc: str) -> types.ModuleType:
    """Register a new module ``full_name`` holding ``names``.

    Refuses (returns the existing module untouched) when mmcv already has a
    real module of that name, so an mmcv version that brings it back wins.
    """
    parent_name, _, child = full_name.rpartition('.')
    parent = importlib.import_module(parent_name)
    try:
        return importlib.import_module(full_name)
    except ImportError:
        pass
    module = types.ModuleType(full_name, doc)
    module.__dict__.update(names)
    module.__all__ = sorted(names)
    sys.modules[full_name] = module
    setattr(parent, child, module)
    return module
