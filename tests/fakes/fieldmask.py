"""Google's partial-response field masks (`fields=`), as Sheets and Drive apply them.

A mask names the parts of a response to keep: `sheets.properties,spreadsheetId`,
`files(id,name)`, `sheets(properties(title,sheetId))`, `nextPageToken,files/id`. A path
goes through lists (each element is filtered) and `*` keeps everything at its level.
"""

from __future__ import annotations

from typing import Any

# A parsed mask: each key maps to the mask of its value, None meaning "all of it".
Mask = dict[str, "Mask | None"]


class FieldMaskError(ValueError):
    """The mask cannot be parsed."""


def parse(text: str) -> Mask:
    """Parse a `fields` parameter into a tree of kept keys."""
    mask, rest = _parse_list(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise FieldMaskError(f"unbalanced brackets in fields={text!r}")
    return mask


def covers(mask: Mask | None, path: str) -> bool:
    """True when the mask keeps something at or below the dotted path."""
    node = mask
    for key in path.split("."):
        if node is None or "*" in node:
            return True
        if key not in node:
            return False
        node = node[key]
    return True


def apply(mask: Mask | None, value: Any) -> Any:
    """The value with only the masked parts kept."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply(mask, item) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: apply(mask[key], item) for key, item in value.items() if key in mask}


def _parse_list(text: str, position: int) -> tuple[Mask, int]:
    mask: Mask = {}
    while position < len(text) and text[position] != ")":
        path_end = position
        while path_end < len(text) and text[path_end] not in ",()":
            path_end += 1
        keys = [key for key in text[position:path_end].replace("/", ".").split(".") if key]
        if not keys:
            raise FieldMaskError(f"empty field name in {text!r}")
        leaf: Mask | None = None
        position = path_end
        if position < len(text) and text[position] == "(":
            leaf, position = _parse_list(text, position + 1)
            if position >= len(text) or text[position] != ")":
                raise FieldMaskError(f"unbalanced brackets in {text!r}")
            position += 1
        _merge(mask, keys, leaf)
        if position < len(text) and text[position] == ",":
            position += 1
    return mask, position


def _merge(mask: Mask, keys: list[str], leaf: Mask | None) -> None:
    node = mask
    for key in keys[:-1]:
        if key in node and node[key] is None:
            return  # already keeps all of it
        child = node.setdefault(key, {})
        assert child is not None
        node = child
    last = keys[-1]
    if leaf is None or node.get(last, {}) is None:
        node[last] = None
    else:
        existing = node.setdefault(last, {})
        assert existing is not None
        for key, sub in leaf.items():
            _merge(existing, [key], sub)
