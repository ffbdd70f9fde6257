"""The layer rule of ``docs/internals.md``, checked on the source tree.

Every import of an ``mmseg`` module inside ``mmseg/`` is read with ``ast``,
at module level and inside functions alike; none may point to a higher
layer, ``datasets`` and ``models`` do not import each other, only the
package root imports ``compat`` (its finder), and the imports form no
cycle.
"""
import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

# low to high; a module may import its own layer and the ones below
LAYERS = [
    {'version', 'utils', 'ops', 'registry'},
    {'core'},
    {'datasets', 'models'},
    {'engine'},
    {'apis', 'cli'},
    {'compat'},
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
ROOT_IMPORTS = {'mmseg.version', 'mmseg.compat.finder'}


def source_modules() -> dict:
    """Dotted name -> (path, package parts) of every module of mmseg/."""
    modules = {}
    for path in sorted((REPO_ROOT / 'mmseg').rglob('*.py')):
        parts = list(path.relative_to(REPO_ROOT).with_suffix('').parts)
        if parts[-1] == '__init__':
            parts = parts[:-1]
            package = parts
        else:
            package = parts[:-1]
        modules['.'.join(parts)] = (path, package)
    return modules


MODULES = source_modules()


def _resolve(name: str) -> str:
    """The module of ``MODULES`` that importing ``name`` runs last."""
    while name and name not in MODULES:
        name = name.rpartition('.')[0]
    return name


def imported_modules(path: Path, package: list) -> set:
    """mmseg modules imported anywhere in the file (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = '.'.join(base + ([node.module] if node.module
                                          else []))
            else:
                module = node.module
            names = [module] + [f'{module}.{a.name}' for a in node.names]
        else:
            continue
        found.update(_resolve(n) for n in names if n.split('.')[0] ==
                     'mmseg')
    return found - {''}


EDGES = {name: imported_modules(path, package) - {name}
         for name, (path, package) in MODULES.items()}


def folder(module: str) -> str:
    return module.split('.')[1] if '.' in module else ''


def test_the_scan_sees_function_level_and_relative_imports(tmp_path):
    probe = tmp_path / 'probe.py'
    probe.write_text('def f():\n    from mmseg.engine import runner\n'
                     'def g():\n    from ..ops import resize\n')
    assert imported_modules(probe, ['mmseg', 'utils']) == {
        'mmseg.engine', 'mmseg.engine.runner', 'mmseg.ops'}


def test_every_folder_has_a_layer():
    folders = {folder(m) for m in MODULES} - {''}
    assert folders == set(LAYER), folders ^ set(LAYER)


def test_no_import_points_to_a_higher_layer():
    upward = sorted(f'{a} -> {b}' for a, targets in EDGES.items()
                    for b in targets if folder(a) and folder(b)
                    and LAYER[folder(b)] > LAYER[folder(a)])
    assert not upward, upward


def test_datasets_and_models_do_not_import_each_other():
    across = sorted(f'{a} -> {b}' for a, targets in EDGES.items()
                    for b in targets
                    if {folder(a), folder(b)} == {'datasets', 'models'})
    assert not across, across


def test_compat_is_imported_only_by_the_package_root():
    users = sorted(a for a, targets in EDGES.items()
                   if folder(a) != 'compat'
                   and any(folder(b) == 'compat' for b in targets))
    assert users == ['mmseg']
    assert EDGES['mmseg'] == ROOT_IMPORTS


def test_imports_form_no_cycle():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in EDGES.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert not cycles, cycles
