"""The package reads top-down by stage: layers import only downward, and no module is long.

Every import is counted, including those inside functions: a deferred import may keep a
command fast to start, but it may not reach up a layer (that would be a cycle hidden from
the reader). The ranks below are the layout README.md describes ('Layout'):
a module may import its own layer or a lower one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sim"
MAX_LINES = 400

# Layer of each subpackage or top-level module, lowest first.
RANKS = {
    "version": 0,
    "scenario": 1,
    "engine": 2,
    "results": 3,
    "forecast": 3,  # static forecasts from the engine's rules; the run report shows them
    "sweep": 4,
    "charts": 5,
    "compare": 6,  # differences between runs (computation and text)
    "importers": 3,  # scenario files from other tools' inputs (KTAB), signed as results are
    "validation": 6,  # the pattern suite: runs the engine on sweeps' pool
    "calibration": 6,  # ABC-SMC: runs the engine (like sweeps), draws its charts
    "report": 7,
    "run": 8,
    "dashboard": 8,
    "api": 9,
    "cli": 9,
    "cli_calibrate": 9,  # the `calibrate` command, registered by cli
    "cli_forecast": 9,  # the `forecast` command
    "cli_check": 9,  # the `check` command
    "cli_import": 9,  # the `import` command
    "usage": 9,  # the command line's one-line usage errors
    "__init__": 9,  # the facade
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _layer(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _imports(module: str, path: Path) -> set[str]:
    """Modules of the package that ``module`` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }  # annotations only: never executed
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def test_every_module_has_a_layer():
    assert {_layer(m) for m in MODULES} <= set(RANKS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_only_downward(module):
    up = [
        target
        for target in sorted(GRAPH[module])
        if target != "sim" and RANKS[_layer(target)] > RANKS[_layer(module)]
    ]
    assert not up, f"{module} imports a higher layer: {up}"


def test_no_import_cycle():
    """Depth-first search over the whole graph (package roots included)."""
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if nxt in _ancestors(node):
                continue  # a module always imports its own package first
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_the_walker_sees_imports_inside_functions():
    assert "sim.charts" in GRAPH["sim.run"]  # write_charts defers it


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_400_lines(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module]}: {lines} lines (at most {MAX_LINES})"


@pytest.mark.parametrize("layer", sorted(r for r in RANKS if (PACKAGE / r).is_dir()))
def test_each_layer_says_its_job_in_one_line(layer):
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
    assert doc, f"sim/{layer}/__init__.py has no docstring"
    assert len(doc.splitlines()[0]) > 20
