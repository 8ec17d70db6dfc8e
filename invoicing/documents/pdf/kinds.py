"""What differs between the printed kinds of document, registered by the app that owns each
(`invoices`, `quotations`, and next the notes) so the shared renderer names none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def _nothing(*_args) -> Any:
    return None


@dataclass(frozen=True)
class PdfKind:
    key: str  # "invoice", "quotation"…: part of the storage path
    template: str
    # The title printed at the top: (document, its NCF type info or None) → text.
    title: Callable[[Any, Any], str]
    fiscal: bool = False  # prints the NCF and its type name
    # Whether the buyer and issuer are the copies frozen at issue.
    frozen: Callable[[Any], bool] = lambda document: False
    # (label, value) rows after the issue date ("Fecha de vencimiento", "Válida hasta").
    date_facts: Callable[[Any], list[tuple[str, str]]] = lambda document: []
    # The big stamp (BORRADOR, ANULADA) or None.
    mark: Callable[[Any], dict | None] = _nothing
    # More context: (document, money formatter) → dict (payments, balance rows…).
    extra: Callable[[Any, Callable], dict] = lambda document, money: {}
    tail_extra: float = 0.0  # points the kind adds after the totals (for the page estimate)
    unnumbered_prefix: str = "borrador"
    options: dict = field(default_factory=dict)


_KINDS: dict[str, PdfKind] = {}


def register(kind: PdfKind) -> PdfKind:
    _KINDS[kind.key] = kind
    return kind


def pdf_kind(key: str) -> PdfKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"unknown document kind {key!r}") from None


# More context for every printed document, from apps the renderer does not name (the e-CF
# app adds the e-NCF, its QR, security code, signing time and legend): (document, kind) → dict.
_CONTEXT_EXTRAS: list[Callable[[Any, str], dict]] = []


def register_context(extra: Callable[[Any, str], dict]) -> None:
    if extra not in _CONTEXT_EXTRAS:
        _CONTEXT_EXTRAS.append(extra)


def context_extras(document, kind: str) -> dict:
    found: dict = {}
    for extra in _CONTEXT_EXTRAS:
        found.update(extra(document, kind) or {})
    return found
