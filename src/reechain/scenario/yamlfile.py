"""Read YAML safely and remember the line of every value, so errors can name it.

:func:`load_yaml` returns the data (as ``yaml.safe_load`` would) and a :class:`LineMap`
from field paths such as ``("events", 2, "severity")`` to 1-based line numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


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


def load_yaml(text: str) -> tuple[Any, LineMap]:
    """Return the YAML document in ``text`` (safe types only) and the line of each value.

    Raises
    ------
    yaml.YAMLError
        The text is not valid YAML; the error carries its position.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
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
