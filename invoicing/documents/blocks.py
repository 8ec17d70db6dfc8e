"""Blocks other apps add to a document's API object, so the document apps name none of them
(the e-CF app adds `ecf`). A block comes from three sources, like the rows of the read model:

- `sql(kind, table)`: a correlated subquery over `"{table}".id` giving the block as JSON text
  (PostgreSQL: the block rides in the page's one query);
- `fetch(kind, ids)`: `{id: raw}` in one query (the portable source);
- `written(document)`: the raw block of a document a write has just made (no read).

`render(raw)` turns the raw value (the JSON-decoded text, or what `fetch`/`written` gave)
into the API's value; None when the document has no such block.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class Block:
    name: str
    sql: Callable[[str, str], str]
    fetch: Callable[[str, list[int]], dict[int, Any]]
    written: Callable[[Any], Any]
    render: Callable[[Any], Any]
    # (kind, queryset, value) → the documents whose block matches (a list filter), or None.
    filter: Callable[[str, Any, str], Any] | None = None


_BLOCKS: dict[str, Block] = {}


def register(block: Block) -> None:
    _BLOCKS[block.name] = block


def names() -> list[str]:
    return list(_BLOCKS)


def annotations(kind: str, table: str) -> dict[str, RawSQL]:
    return {f"block_{name}_json": RawSQL(block.sql(kind, table), ())
            for name, block in _BLOCKS.items()}


def from_annotations(row: dict) -> None:
    """Move the JSON annotations of `annotations` into `row["blocks"]` (raw values)."""
    raw = {}
    for name in _BLOCKS:
        text = row.pop(f"block_{name}_json", None)
        raw[name] = json.loads(text) if text else None
    row["blocks"] = raw


def fetch(kind: str, rows: list[dict]) -> None:
    ids = [row["id"] for row in rows]
    found = {name: block.fetch(kind, ids) if ids else {} for name, block in _BLOCKS.items()}
    for row in rows:
        row["blocks"] = {name: found[name].get(row["id"]) for name in _BLOCKS}


def written(document: Any) -> dict[str, Any]:
    return {name: block.written(document) for name, block in _BLOCKS.items()}


def rendered(row: dict) -> dict[str, Any]:
    raw = row.get("blocks") or {}
    return {name: block.render(raw.get(name)) for name, block in _BLOCKS.items()}


def filtered(kind: str, name: str, queryset, value: str):
    block = _BLOCKS.get(name)
    if block is None or block.filter is None:
        return queryset.none()
    return block.filter(kind, queryset, value)
