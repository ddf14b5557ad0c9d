"""Safe reading of a definition file into plain data plus the position of every node.

ruamel.yaml composes the node graph that its round-trip mode is built on (YAML 1.2
resolution, and a line and column on every key and value, scalars included), through
libyaml when ruamel.yaml.clib is installed (six times faster) and in pure Python
otherwise. We build plain Python values from that graph ourselves rather than letting
a constructor do it, because that is where the safety rules live:

* only the core YAML tags are accepted: `!!python/...` and every other tag is refused;
* duplicate keys are reported (all of them, each where it stands) instead of
  stopping the parse;
* aliases are expanded while counting nodes, so an alias bomb stops at a bound
  instead of expanding into memory;
* `x-` keys are free annotations: their values are walked with the same tag,
  duplicate-key and expansion bounds as the rest (an annotation is still part of the
  file), then dropped, before strict validation;
* file size and nesting depth are bounded.

Positions are kept per path (a tuple of keys and list indexes), so later phases can
point at `file:line:col` for any key or value they complain about.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_MERGE_TAG = _CORE + "merge"


@dataclass(frozen=True)
class Pos:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """The plain data of one file and where each part of it stands."""

    file: str
    data: Any
    key_pos: dict[Path, Pos] = field(default_factory=dict)
    value_pos: dict[Path, Pos] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> Pos:
        """Where `path` stands: its key when asked and known, else its value, else its
        nearest known ancestor (a missing key is reported at the mapping that lacks it)."""
        while True:
            if key and path in self.key_pos:
                return self.key_pos[path]
            if path in self.value_pos:
                return self.value_pos[path]
            if path in self.key_pos:
                return self.key_pos[path]
            if not path:
                return Pos(1, 1)
            path = path[:-1]
            key = False

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        pos = self.position(path, key=key)
        return Problem(self.file, pos.line, pos.col, dotted(path), message)


def dotted(path: Path) -> str:
    """('lifecycles', 'mentee', 'transitions', 3, 'to') -> 'lifecycles.mentee.transitions[3].to'"""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Stop(Exception):
    """Raised inside the builder when continuing would be unsafe (bombs, depth)."""

    def __init__(self, problem: Problem):
        self.problem = problem


def _pos(node: Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str):
        self.doc = Document(file=file, data=None)
        self.problems: list[Problem] = []
        self.nodes = 0

    def problem(self, node: Node, path: Path, message: str) -> Problem:
        pos = _pos(node)
        return Problem(self.doc.file, pos.line, pos.col, dotted(path), message)

    def fail(self, node: Node, path: Path, message: str) -> None:
        self.problems.append(self.problem(node, path, message))

    def build(self, node: Node, path: Path, depth: int, *, keep: bool = True) -> Any:
        """The plain value of `node`; with keep=False (inside an `x-` annotation) the
        node is only checked: no positions recorded, no scalar typed."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Stop(
                self.problem(
                    node,
                    path,
                    f"the document expands to more than {MAX_NODES} values "
                    "(an alias bomb?); definitions must stay small",
                )
            )
        if depth > MAX_DEPTH:
            raise _Stop(self.problem(node, path, f"nested more than {MAX_DEPTH} levels deep"))
        if keep:
            self.doc.value_pos.setdefault(path, _pos(node))
        tag = str(node.tag)
        if not self.tag_allowed(node, path):
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth, keep)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, (*path, i), depth + 1, keep=keep)
                for i, item in enumerate(node.value)
            ]
        assert isinstance(node, ScalarNode)
        if not keep:
            return None
        text = node.value
        if node.style == ">":
            # ruamel's round-trip parser marks each fold of a folded block with BEL.
            text = text.replace("\a", "")
        try:
            return _scalar(tag, text)
        except ValueError:
            kind = tag[len(_CORE) :]
            self.fail(node, path, f"'{node.value}' is not a valid {kind}")
            return None

    def tag_allowed(self, node: Node, path: Path) -> bool:
        tag = str(node.tag)
        if tag in _ALLOWED_TAGS:
            return True
        shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        self.fail(
            node,
            path,
            f"the tag '{shown}' is not allowed: definitions hold plain data only "
            "(text, numbers, true/false, lists and mappings)",
        )
        return False

    def _mapping(self, node: MappingNode, path: Path, depth: int, keep: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: set[str] = set()
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if str(key_node.tag) == _MERGE_TAG:
                merged.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                if keep:
                    self.fail(key_node, path, "a key must be plain text, not a list or mapping")
                else:
                    self.build(key_node, path, depth + 1, keep=False)
                    self.build(value_node, path, depth + 1, keep=False)
                continue
            key = str(key_node.value)
            if not self.tag_allowed(key_node, (*path, key)):
                continue
            if key in seen:
                self.fail(key_node, (*path, key), f"duplicate key '{key}'")
                continue
            seen.add(key)
            if not keep or key.startswith("x-"):
                # A free annotation is never validated against the format nor used,
                # but it is read like the rest, so its tags and aliases are bounded.
                self.build(value_node, (*path, key), depth + 1, keep=False)
                continue
            self.doc.key_pos.setdefault((*path, key), _pos(key_node))
            out[key] = self.build(value_node, (*path, key), depth + 1)
        # `<<: *base` fills in keys the mapping does not set itself.
        for source in merged:
            sources = source.value if isinstance(source, SequenceNode) else [source]
            for src in sources:
                value = self.build(src, path, depth + 1, keep=keep)
                if not isinstance(value, dict):
                    self.fail(src, path, "'<<' must merge a mapping")
                    continue
                for key, item in value.items():
                    out.setdefault(key, item)
        return out


def _scalar(tag: str, text: str) -> Any:
    kind = tag[len(_CORE) :]
    if kind == "null":
        return None
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)  # `!!bool yes`: YAML 1.2 booleans are true and false
        return text.lower() == "true"
    if kind == "int":
        digits = text.replace("_", "")
        sign = -1 if digits.startswith("-") else 1
        body = digits.lstrip("+-")
        if body[:2].lower() in ("0o", "0x", "0b"):
            return sign * int(body, 0)
        return sign * int(body, 10)
    if kind == "float":
        lowered = text.lower().replace("_", "")
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered.endswith(".nan"):
            return float("nan")
        return float(lowered)
    # str, and timestamps: dates stay ISO text; the format parses its own date literals.
    return text


def _nesting_problem(yaml: YAML, text: str, file: str) -> Problem | None:
    """Refuse deep nesting from the event stream, before composing recurses into it
    (libyaml's composer would overflow the C stack on `[[[[...`)."""
    depth = 0
    for event in yaml.parse(io.StringIO(text)):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return Problem(
                    file,
                    mark.line + 1,
                    mark.column + 1,
                    "",
                    f"nested more than {MAX_DEPTH} levels deep",
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _compose(text: str, file: str) -> Node | None:
    """Compose with libyaml; where libyaml (a YAML 1.1 parser) refuses the text, ask the
    pure-Python YAML 1.2 parser, whose verdict and error positions are the ones we report."""
    fast = YAML(typ="safe", pure=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReusedAnchorWarning)
        try:
            too_deep = _nesting_problem(fast, text, file)
            if too_deep is not None:
                raise _Stop(too_deep)
            node: Node | None = fast.compose(io.StringIO(text))
        except YAMLError:
            node = YAML(typ="rt", pure=True).compose(io.StringIO(text))
    return node


def read_yaml(text: str, file: str) -> tuple[Document | None, list[Problem]]:
    """Parse `text` safely; return the document (None when unusable) and the problems."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return None, [
            Problem(file, 1, 1, "", f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
        ]
    try:
        root = _compose(text, file)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "not valid YAML"
        return None, [Problem(file, line, col, "", f"YAML syntax: {what}")]
    except RecursionError:
        return None, [Problem(file, 1, 1, "", f"nested more than {MAX_DEPTH} levels deep")]
    except (YAMLError, ValueError) as exc:
        return None, [Problem(file, 1, 1, "", f"YAML syntax: {exc.__class__.__name__}")]
    except _Stop as stop:
        return None, [stop.problem]
    if root is None:
        return None, [Problem(file, 1, 1, "", "the file is empty")]
    builder = _Builder(file)
    try:
        builder.doc.data = builder.build(root, (), 0)
    except _Stop as stop:
        return None, sorted({*builder.problems, stop.problem})
    return builder.doc, sorted(set(builder.problems))
