"""Read YAML safely, within limits, and remember the line of every value.

:func:`load_yaml` returns the data (as ``yaml.safe_load`` would) and a :class:`LineMap`
from field paths such as ``("events", 2, "severity")`` to 1-based line numbers;
:func:`safe_load` returns the data alone. Both read through :class:`BoundedLoader`, a
``yaml.SafeLoader`` that refuses a text over :data:`MAX_BYTES`, nesting deeper than
:data:`MAX_DEPTH`, more than :data:`MAX_ALIASES` aliases, a document that would expand to
more than :data:`MAX_NODES` values (an "alias bomb") and an alias inside its own anchor.
Every YAML text that comes from a user is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

MAX_BYTES = 1_000_000
"""Largest YAML text read, in bytes (UTF-8)."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and sequences."""
MAX_ALIASES = 1_000
"""Most aliases (``*name``) in one document."""
MAX_NODES = 100_000
"""Most values in a document once every alias is expanded."""


class YAMLLimitError(yaml.MarkedYAMLError):
    """A YAML text goes past one of the loader's limits; ``found`` and ``expected`` say how."""

    def __init__(self, found: str, expected: str, mark: Any) -> None:
        super().__init__(problem=f"got {found}, expected {expected}", problem_mark=mark)
        self.found = found
        self.expected = expected


class BoundedLoader(yaml.SafeLoader):
    """A ``yaml.SafeLoader`` that counts depth, aliases and expanded values as it composes.

    Examples
    --------
    >>> safe_load("a: [1, 2]")
    {'a': [1, 2]}
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, refusing it when it goes past a limit."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YAMLLimitError(
                    f"more than {MAX_ALIASES} aliases",
                    f"at most {MAX_ALIASES} aliases",
                    event.start_mark,
                )
            if event.anchor in self._open_anchors:
                raise YAMLLimitError(
                    f"an alias *{event.anchor} inside its own anchor",
                    "no recursive alias",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        nested = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YAMLLimitError(
                    f"nesting deeper than {MAX_DEPTH} levels",
                    f"at most {MAX_DEPTH} levels",
                    event.start_mark,
                )
            if anchor is not None:
                self._open_anchors.add(anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1
                if anchor is not None:
                    self._open_anchors.discard(anchor)
        if node is not None:
            self._count(node, event.start_mark)
        return node

    def _count(self, node: yaml.Node, mark: Any) -> None:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise YAMLLimitError(
                f"more than {MAX_NODES} values once aliases are expanded",
                f"at most {MAX_NODES} values",
                mark,
            )
        self._sizes[id(node)] = size


def _check_size(text: str) -> None:
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise YAMLLimitError(f"{size} bytes", f"at most {MAX_BYTES} bytes", None)


def safe_load(text: str) -> Any:
    """Return the YAML document in ``text`` (safe types only), read within the limits.

    Raises
    ------
    yaml.YAMLError
        The text is not valid YAML, or is past a limit (:class:`YAMLLimitError`).

    Examples
    --------
    >>> safe_load("name: x")
    {'name': 'x'}
    """
    return load_yaml(text)[0]


@dataclass(frozen=True)
class LineMap:
    """1-based line of each value (and of each mapping key) in a YAML document."""

    values: Mapping[Path_, int] = field(default_factory=dict)
    keys: Mapping[Path_, int] = field(default_factory=dict)
    duplicates: tuple[tuple[Path_, int], ...] = ()
    """Keys given twice in one mapping (YAML keeps the last): path and line of the repeat."""

    def line(self, path: Path_) -> int | None:
        """Return the line of ``path``, else of its nearest parent, else None."""
        for end in range(len(path), -1, -1):
            p = tuple(path[:end])
            if p in self.keys and end == len(path):
                return self.keys[p]
            if p in self.values:
                return self.values[p]
        return None


def load_node(text: str) -> tuple[yaml.Node | None, Any]:
    """Return the composed node tree of ``text`` (None when empty) and its data, within limits.

    Raises
    ------
    yaml.YAMLError
        The text is not valid YAML, or is past a limit (:class:`YAMLLimitError`).
    """
    _check_size(text)
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Return the YAML document in ``text`` (safe types only) and the line of each value.

    Raises
    ------
    yaml.YAMLError
        The text is not valid YAML, or is past a limit (:class:`YAMLLimitError`); the
        error carries its position.
    """
    node, data = load_node(text)
    values: dict[Path_, int] = {}
    keys: dict[Path_, int] = {}
    duplicates: list[tuple[Path_, int]] = []
    if node is not None:
        _walk(node, (), values, keys, duplicates)
    return data, LineMap(values, keys, tuple(duplicates))


def _walk(
    node: yaml.Node,
    path: Path_,
    values: dict[Path_, int],
    keys: dict[Path_, int],
    duplicates: list[tuple[Path_, int]],
) -> None:
    values[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if (*path, key) in keys:
                duplicates.append(((*path, key), line))
            keys[(*path, key)] = line
            _walk(value_node, (*path, key), values, keys, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), values, keys, duplicates)
