"""Steps other apps add to issuing a fiscal document, so the document apps name none of them
(the e-CF app registers its own).

- `before(document)`: checks before anything is written (e.g. that the workspace may issue an
  E-series document); raise a domain error to refuse.
- `cancelling(document)`: inside the cancel's transaction, the document locked: raise a
  domain error to refuse (e.g. an e-CF DGII has received), or do what a cancel entails.
- `numbered(document)`: after the number is taken, inside the issuing transaction, for what
  must carry the number (e.g. the signed XML). No reads of other rows, no network: the series'
  counter row stays locked until the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_BEFORE: list[Callable[[Any], None]] = []
_NUMBERED: list[Callable[[Any], None]] = []
_AVAILABLE: list[Callable[[Any], bool]] = []
_CANCELLING: list[Callable[[Any], None]] = []


def register(*, before: Callable[[Any], None] | None = None,
             numbered: Callable[[Any], None] | None = None,
             available: Callable[[Any], bool] | None = None,
             cancelling: Callable[[Any], None] | None = None) -> None:
    """`available(subtype)`: whether the workspace may issue with this series at all (the
    forms offer and preselect only those)."""
    if before is not None and before not in _BEFORE:
        _BEFORE.append(before)
    if numbered is not None and numbered not in _NUMBERED:
        _NUMBERED.append(numbered)
    if available is not None and available not in _AVAILABLE:
        _AVAILABLE.append(available)
    if cancelling is not None and cancelling not in _CANCELLING:
        _CANCELLING.append(cancelling)


def series_available(subtype: Any) -> bool:
    return all(check(subtype) for check in _AVAILABLE)


def run_before(document: Any) -> None:
    for step in _BEFORE:
        step(document)


def run_numbered(document: Any) -> None:
    for step in _NUMBERED:
        step(document)


def run_cancelling(document: Any) -> None:
    for step in _CANCELLING:
        step(document)
