"""The package's layering holds: lower stages never import higher ones; only cli/ imports click.

The stages, lowest first, follow the pipeline (docs/architecture.md):
core modules at the top level < routines < plan < audio < speech < inputs
< journal < session < cli. ``testing`` (test doubles that reach into every
stage) and ``__main__`` stand outside the order.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "voicecoach"
ORDER = ["core", "routines", "plan", "audio", "speech", "inputs", "journal", "session", "cli"]
OUTSIDE = {"testing", "__main__"}


def stage(module: str) -> str | None:
    """The stage of ``voicecoach.X...``; None for modules outside the order."""
    parts = module.split(".")
    if parts[0] != "voicecoach" or len(parts) == 1:
        return "core" if module == "voicecoach" else None
    head = parts[1]
    if head in OUTSIDE:
        return None
    return head if head in ORDER else "core"


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, at any depth (function-level imports count too)."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "voicecoach":
                found += [(node.lineno, f"voicecoach.{a.name}") for a in node.names]
    return found


def module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def violations(root: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        here = stage(module_name(path, root))
        if here is None:
            continue
        for line, target in imports(path):
            if target.split(".")[0] == "click" and here != "cli":
                found.append(f"{path}:{line}: {here} imports click; only cli/ may")
            there = stage(target) if target.startswith("voicecoach") else None
            if there is not None and ORDER.index(there) > ORDER.index(here):
                found.append(f"{path}:{line}: {here} imports {target} ({there} is higher)")
    return found


def test_no_upward_imports_and_click_only_in_cli() -> None:
    """No stage imports a higher one, and only cli/ imports click."""
    assert violations() == []


def test_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """A plan module importing the session engine is reported (the check can fail)."""
    bad = tmp_path / "voicecoach" / "plan"
    bad.mkdir(parents=True)
    (bad / "oops.py").write_text("from voicecoach.session.engine import Session\n")
    found = violations(tmp_path / "voicecoach")
    assert len(found) == 1 and "plan imports voicecoach.session.engine" in found[0]


def test_no_module_is_over_450_lines() -> None:
    """No module in src/ or bench/ is over 450 lines (rooms small enough to read in one sitting)."""
    roots = [PACKAGE, PACKAGE.parents[1] / "bench"]
    big = [
        f"{p}: {n} lines"
        for root in roots
        for p in root.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 450
    ]
    assert big == []


def test_at_most_eight_modules_at_the_top() -> None:
    """The package's top level holds at most 8 modules; the rest live in their stage."""
    assert len(list(PACKAGE.glob("*.py"))) <= 8


def test_comments_stand_on_their_own() -> None:
    """A reader of src/ has neither the tracker nor the design notes: none is cited."""
    import re

    cited = re.compile(r"\b[Ii]ssue \d+|\bDESIGN\.md|\bSTYLE\.md|\bfinding \d+")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if cited.search(line)
    ]
    assert not found, "\n".join(found)


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        found += [
            (f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}", node)
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
    return found


def test_no_function_takes_more_than_seven_parameters() -> None:
    """Past seven, a function's callers cannot keep its arguments apart: the options
    belong in one object (``RunOptions``, ``Coaching``, ``ImportOptions``, ``Work``)."""
    crowded = []
    for where, node in _functions():
        a = node.args
        names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        if names and names[0] in ("self", "cls"):
            names = names[1:]
        if len(names) > 7:
            crowded.append(f"{where}: {len(names)} parameters")
    assert not crowded, "\n".join(crowded)


def test_no_class_inherits_from_two_project_classes() -> None:
    """Behaviour is composed, not mixed in from several project classes at once."""
    ours = {
        node.name
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
    }
    mixed = [
        f"{path.relative_to(PACKAGE)}: {node.name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and sum(1 for b in node.bases if ast.unparse(b).split(".")[-1] in ours) > 1
    ]
    assert not mixed, mixed


def test_no_two_modules_import_each_other() -> None:
    """No import circle, even through ``TYPE_CHECKING`` or a function-level import: a
    module can be read (and tested) knowing only what it imports."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {
        name: {m for _, m in imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    circles = []
    for start in sorted(graph):
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m == start:
                circles.append(start)
                break
            if m not in seen:
                seen.add(m)
                todo += graph[m]
    assert not circles, f"modules that import themselves through others: {circles}"
