"""No circle of imports: every import of the package counts, inside functions and under TYPE_CHECKING.

import-linter's contracts say which way the arrows may point; this walks the source itself, so an
import hidden in a function (the usual way a circle is patched over) counts as much as any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_names() -> dict[str, Path]:
    names = {}
    for path in (ROOT / "gui").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names[name] = path
    return names


def imports_of(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The package's modules that ``name`` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while (
                target and target not in known
            ):  # gui.core.workload.settings.RunSettings -> gui.core.workload.settings
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def circles(prefix: str) -> list[list[str]]:
    """Strongly connected groups of more than one module among those named ``prefix...``."""
    known = module_names()
    graph = {n: {t for t in imports_of(n, p, known) if t.startswith(prefix)} for n, p in known.items()}
    graph = {n: targets for n, targets in graph.items() if n.startswith(prefix)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_imports_inside_functions_and_for_types(tmp_path: Path) -> None:
    known = module_names()
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from gui.core.workload.settings import RunSettings\n"
        "def later():\n    from gui.core.run.engine import Run\n"
        "from .stats import percentile\n",
        encoding="utf-8",
    )
    seen = set(imports_of("gui.core.results.probe", source, known))
    assert seen == {"gui.core.workload.settings", "gui.core.run.engine", "gui.core.results.stats"}


def test_no_circle_of_imports_anywhere_in_the_package() -> None:
    assert circles("gui") == []


def test_only_the_app_imports_the_main_window() -> None:
    """The window's parts get the narrow interfaces they need (protocols, signals), not the window."""
    known = module_names()
    importers = sorted(
        name for name, path in known.items() if "gui.qt.main_window" in set(imports_of(name, path, known))
    )
    assert importers == ["gui.qt.app"]
