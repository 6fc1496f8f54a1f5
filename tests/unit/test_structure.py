"""Shape rules for src/ that a reader relies on and a type checker cannot see.

- No class inherits from more than one class of ours: a layer that needs
  another's methods extends it, so what a class can call is one chain to read.
- No import circle between our modules (imports at module level, which run at
  import time; an import inside a function is a deliberate late binding).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.test_layers import PACKAGE, module_name


def _project_classes(root: Path) -> dict[str, set[str]]:
    """Every class name defined under ``root``, by module."""
    found: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        found[module_name(path, root)] = {
            n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
        }
    return found


def multiple_project_bases(root: Path = PACKAGE) -> list[str]:
    ours: set[str] = set().union(*_project_classes(root).values())
    bad = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                names = [
                    b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
                ]
                mine = [n for n in names if n in ours]
                if len(mine) > 1:
                    bad.append(f"{path}:{node.lineno}: {node.name}({', '.join(mine)})")
    return bad


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in tree.body:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("voicecoach")
        ):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("voicecoach")}
    return found


def import_circles(root: Path = PACKAGE) -> list[list[str]]:
    graph = {module_name(p, root): _top_level_imports(p) for p in root.rglob("*.py")}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return circles


def test_no_class_inherits_from_two_of_ours():
    assert multiple_project_bases() == []


def test_no_import_circle():
    assert import_circles() == []


def test_the_rules_catch_what_they_forbid(tmp_path):
    pkg = tmp_path / "voicecoach"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from voicecoach.b import B\nclass A: ...\n")
    (pkg / "b.py").write_text("from voicecoach.a import A\nclass B: ...\nclass C(A, B): ...\n")
    assert import_circles(pkg) != []
    assert any("C(A, B)" in line for line in multiple_project_bases(pkg))
