"""YAML as people type it, read strictly: a key given twice, or an alias, is an error.

PyYAML's `safe_load` keeps the LAST of two equal keys without a word, so a second
`workbook:` typed under a collaborative silently made it report another tracker's
figures. And aliases (`*name`) let a few lines stand for an exponentially large
document (the "billion laughs"), which validation would then walk. None of the
program's files (config, narratives, acknowledgements, labels) needs either, so
both are refused with the line and column, in the YAML library's own error type so
every caller already reports it as a broken file.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node


class StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses duplicate keys and aliases."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Refuse an alias (`*name`) where a value should be."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise ConstructorError(
                None,
                None,
                "an alias (*name) is not allowed here: write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        """Refuse a key given twice in one mapping, naming both lines."""
        seen: dict[object, Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                continue  # the base class refuses it with its own message
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise ConstructorError(
                    None,
                    None,
                    f"{key!r} is given twice (first on line {first}): keep one",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """Parse YAML text strictly (see the module docstring).

    Raises:
        yaml.YAMLError: The text is not YAML, repeats a key, or uses an alias.
    """
    return yaml.load(text, Loader=StrictLoader)
