"""Load YAML as plain data, with the line and column of every value, and nothing unsafe.

Why not ``yaml.safe_load``: it forgets where each value came from, silently
keeps the last of two duplicate keys, and expands aliases without bound (the
"billion laughs" file). Here PyYAML only *composes* a node graph; this module
then walks it itself, so that:

* only the plain YAML types are built (no tags, so no Python objects);
* duplicate keys are errors;
* alias expansion, nesting depth and file size are capped;
* every value's position is recorded by its path, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from voicecoach import paths
from voicecoach.routines.problems import Problem, RoutineError
from voicecoach.safetext import first_control, visible

MAX_BYTES = 1_000_000  # a long routine is ~10 kB; anything near this is not a routine
MAX_NODES = 50_000  # after alias expansion
MAX_DEPTH = 40

_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

PathKey = tuple[Any, ...]

# libyaml's parser when PyYAML was built with it: it composes the same nodes, with the
# same marks, several times faster (it matters for start-up: the library is ~600 lines).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """Plain data plus where each piece of it stands in the file."""

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    raw: bytes = field(default=b"", repr=False)  # the file's bytes, read once

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or of its key), falling back to its nearest parent."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: PathKey, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message)


class _Walker:
    def __init__(self, file: str):
        self.file = file
        self.nodes = 0
        self.problems: list[Problem] = []
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.key_positions: dict[PathKey, tuple[int, int]] = {}
        self._scalar_loader = yaml.SafeLoader("")

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _fail(self, node: yaml.Node, message: str) -> None:
        line, col = self._at(node)
        self.problems.append(Problem(self.file, line, col, message))

    def _check_text(self, node: yaml.Node, text: str) -> None:
        """Refuse control characters: a routine's text is shown on terminals.

        YAML lets a double-quoted string spell them (``"\\e]52;c;…\\a"`` writes the
        clipboard through OSC 52). Line breaks and tabs stay allowed: block
        scalars are full of them, and they are shown, never obeyed.
        """
        bad = first_control(text.replace("\n", " ").replace("\t", " "))
        if bad is not None:
            self._fail(
                node,
                f"the text holds the control character {visible(text[bad])}, which could "
                "drive the terminal; use printable text only (line breaks and tabs are fine)",
            )

    def walk(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(
                node,
                f"the document expands to more than {MAX_NODES} values "
                "(too many aliases?); a routine needs far fewer",
            )
        if depth > MAX_DEPTH:
            raise _TooBig(
                node, f"nesting deeper than {MAX_DEPTH} levels; a routine needs at most 6"
            )
        self.positions[path] = self._at(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _PLAIN_TAGS:
                self._fail(
                    node,
                    f"the tag {node.tag!r} is not allowed; routines hold only "
                    "plain text, numbers, true/false, lists and mappings",
                )
                return None
            # Text is most of a file: its value is the node's own (what the constructor
            # would return, without its bookkeeping); numbers and the rest go through it.
            if node.tag == _STR:
                value = node.value
            else:
                value = self._scalar_loader.construct_object(node, deep=True)
            if isinstance(value, str):
                self._check_text(node, value)
            return value
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._fail(node, f"the tag {node.tag!r} is not allowed here; use a plain list")
            return [self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self._fail(node, f"the tag {node.tag!r} is not allowed here; use a plain mapping")
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._fail(key_node, "a key must be plain text, not a list or mapping")
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self._fail(key_node, "merge keys (<<) are not supported; write the keys out")
                    continue
                key = self.walk(key_node, (*path, "<key>"), depth + 1)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self._fail(key_node, f"the key {key!r} must be text")
                    continue
                if key in result:
                    first = self.key_positions[(*path, key)]
                    self._fail(
                        key_node,
                        f"duplicate key {key!r} (first given at line "
                        f"{first[0]}); give each key once",
                    )
                    continue
                self.key_positions[(*path, key)] = self._at(key_node)
                result[key] = self.walk(value_node, (*path, key), depth + 1)
            self.positions.pop((*path, "<key>"), None)
            return result
        self._fail(node, "unsupported YAML node")  # pragma: no cover - PyYAML has three kinds
        return None


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node = node
        self.message = message


def load_text(text: str, file: str) -> Document:
    """Parse ``text`` (named ``file`` in messages) into a :class:`Document`.

    Raises RoutineError with every problem found.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise RoutineError(
            [
                Problem(
                    file,
                    1,
                    1,
                    f"the file is larger than {MAX_BYTES // 1000} kB; "
                    "a routine is a few kB of text",
                )
            ]
        )
    walker = _Walker(file)
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        # An editor's tab is the commonest cause, and YAML's own words do not say the fix.
        fix = (
            "indent with spaces, not tabs"
            if "tab" in what
            else "check the indentation and quoting here"
        )
        raise RoutineError(
            [Problem(file, line, col, f"YAML syntax error: {what}; {fix}")]
        ) from None
    except yaml.YAMLError as exc:
        raise RoutineError([Problem(file, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise RoutineError(
            [Problem(file, 1, 1, "nesting is far too deep; a routine needs at most 6 levels")]
        ) from None
    if node is None:
        raise RoutineError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "the file is empty; a routine needs at least 'name:' and 'exercises:'",
                )
            ]
        )
    try:
        data = walker.walk(node, (), 0)
    except _TooBig as exc:
        line, col = exc.node.start_mark.line + 1, exc.node.start_mark.column + 1
        raise RoutineError([Problem(file, line, col, exc.message)]) from None
    except RecursionError:
        raise RoutineError(
            [Problem(file, 1, 1, "nesting is far too deep; a routine needs at most 6 levels")]
        ) from None
    if walker.problems:
        raise RoutineError(walker.problems)
    return Document(file, data, walker.positions, walker.key_positions)


def load_file(path: Path) -> Document:
    """Read and parse a file; oversized ones, pipes and devices are refused, not read."""
    name = str(path)
    try:
        raw = paths.read_bytes(path, MAX_BYTES)
    except paths.FileTooLarge:
        why = f"the file is larger than the {MAX_BYTES // 1000} kB a routine may be"
        raise RoutineError([Problem(name, 1, 1, why)]) from None
    except OSError as exc:
        why = paths.why_unreadable(exc)
        raise RoutineError([Problem(name, 1, 1, f"cannot read the file: {why}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RoutineError(
            [Problem(name, line, 1, "the file is not UTF-8 text; save it as UTF-8")]
        ) from None
    doc = load_text(text, name)
    doc.raw = raw
    return doc
