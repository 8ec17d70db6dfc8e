"""Search keys: text folded the same way on PostgreSQL and SQLite, in Python, so a stored
column can be compared with a plain LIKE (and indexed), where `unaccent()` is PostgreSQL's
alone and SQLite's LIKE folds only ASCII case."""

from __future__ import annotations

import unicodedata


def search_key(*parts: object) -> str:
    """`"José  PÉREZ", "ñame"` → `"jose perez name"`: accents and case dropped, spaces
    collapsed (ñ becomes n, as a Dominican keyboard-less search types it)."""
    text = " ".join(str(part) for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
