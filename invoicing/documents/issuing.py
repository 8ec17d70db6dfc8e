"""Steps other apps add to issuing a fiscal document, so the document apps name none of them
(the e-CF app registers its own).

- `before(document)`: checks before anything is written (e.g. that the workspace may issue an
  E-series document); raise a domain error to refuse.
- `numbered(document)`: after the number is taken, inside the issuing transaction, for what
  must carry the number (e.g. the signed XML). No reads of other rows, no network: the series'
  counter row stays locked until the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_BEFORE: list[Callable[[Any], None]] = []
_NUMBERED: list[Callable[[Any], None]] = []


def register(*, before: Callable[[Any], None] | None = None,
             numbered: Callable[[Any], None] | None = None) -> None:
    if before is not None and before not in _BEFORE:
        _BEFORE.append(before)
    if numbered is not None and numbered not in _NUMBERED:
        _NUMBERED.append(numbered)


def run_before(document: Any) -> None:
    for step in _BEFORE:
        step(document)


def run_numbered(document: Any) -> None:
    for step in _NUMBERED:
        step(document)
