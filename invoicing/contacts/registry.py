"""DGII's registry of taxpayers: reading `DGII_RNC.TXT`, or the `DGII_RNC.zip` it comes in.

One taxpayer a line, 11 `|`-separated fields in Windows-1252: 0 RNC or cédula, 1 name,
2 trade name, 3 activity, 4–6 address parts, 7 phone, 8 start date `dd/mm/yyyy` (DGII writes
`00/00/0000` when it has none), 9 status (ACTIVO, SUSPENDIDO, DADO DE BAJA…), 10 payment
regime. The file has about 740,000 lines, so it is only ever read as a stream: one line at
a time from the text file, or from the ZIP member opened as a stream (never extracted,
never read whole).

The writes (upsert in batches, the run's record) are `services.rnc_registry_import`.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from .identity import is_valid_cedula, is_valid_rnc

ENCODING = "cp1252"
FIELD_COUNT = 11
MEMBER_NAME = "dgii_rnc.txt"

# Why a line was not imported (the report's keys).
WRONG_FIELD_COUNT = "wrong_field_count"
INVALID_ID = "invalid_id"
MISSING_NAME = "missing_name"
REPEATED = "repeated"  # the same id again later in the file: the later line wins
SKIP_REASONS = (WRONG_FIELD_COUNT, INVALID_ID, MISSING_NAME, REPEATED)

# Column widths of RncRegistryEntry; DGII's text is cut to them rather than refused.
_LIMITS = {"status": 40, "payment_regime": 60}


@dataclass(frozen=True, slots=True)
class RegistryLine:
    tax_id: str
    name: str
    trade_name: str
    activity: str
    started_on: date | None
    status: str
    payment_regime: str


def registry_tax_id(raw: str) -> str | None:
    """The digits of a valid RNC (9) or cédula (11), or None. Dashes and surrounding
    spaces are ignored; stdnum's whitelists of real numbers with bad check digits are
    accepted."""
    digits = raw.strip().replace("-", "")
    if len(digits) == 9 and is_valid_rnc(digits):
        return digits
    if len(digits) == 11 and is_valid_cedula(digits):
        return digits
    return None


def parse_date(raw: str) -> date | None:
    """`dd/mm/yyyy`; DGII's `00/00/0000` (and anything unreadable) is no date."""
    day, _, rest = raw.strip().partition("/")
    month, _, year = rest.partition("/")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _clean(value: str) -> str:
    return " ".join(value.split())


def parse_line(line: str) -> RegistryLine | str:
    """A registry line, or the reason it is skipped."""
    fields = line.rstrip("\r\n").split("|")
    if len(fields) != FIELD_COUNT:
        return WRONG_FIELD_COUNT
    tax_id = registry_tax_id(fields[0])
    if tax_id is None:
        return INVALID_ID
    name = _clean(fields[1])
    if not name:
        return MISSING_NAME
    return RegistryLine(
        tax_id=tax_id, name=name, trade_name=_clean(fields[2]), activity=_clean(fields[3]),
        started_on=parse_date(fields[8]),
        status=_clean(fields[9]).upper()[:_LIMITS["status"]],
        payment_regime=_clean(fields[10])[:_LIMITS["payment_regime"]],
    )


def _registry_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """`DGII_RNC.TXT` in any folder of the ZIP (any case), else its only text file."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    for info in members:
        if Path(info.filename).name.lower() == MEMBER_NAME:
            return info
    texts = [info for info in members if info.filename.lower().endswith(".txt")]
    if len(texts) == 1:
        return texts[0]
    raise ValueError(f"no {MEMBER_NAME.upper()} in the ZIP")


@contextlib.contextmanager
def open_registry(path: str | Path) -> Iterator[TextIO]:
    """The registry's text as a stream of lines, from the TXT or from inside the ZIP.

    Bytes Windows-1252 leaves undefined become U+FFFD instead of stopping a long import.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive, archive.open(_registry_member(archive)) as raw:
            yield io.TextIOWrapper(raw, encoding=ENCODING, errors="replace")
    else:
        with path.open(encoding=ENCODING, errors="replace") as text:
            yield text


def read_registry(text: TextIO) -> Iterator[RegistryLine | str]:
    """Each non-blank line parsed, or the reason it is skipped."""
    for line in text:
        if line.strip():
            yield parse_line(line)


# DGII's ZIP is some tens of MB; anything far larger is not the registry.
MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024


def download_registry(url: str, into: Path, *, timeout: float) -> Path:
    """Fetch DGII_RNC.zip from `url` into the folder `into`, streamed to disk in chunks.
    `timeout` bounds the connection and each wait for data. Raises requests' errors (HTTP
    errors included) and ValueError past MAX_DOWNLOAD_BYTES."""
    import requests

    target = Path(into) / "DGII_RNC.download"
    written = 0
    with requests.get(url, stream=True, timeout=(timeout, timeout)) as response:
        response.raise_for_status()
        with target.open("wb") as out:
            for chunk in response.iter_content(chunk_size=1 << 16):
                written += len(chunk)
                if written > MAX_DOWNLOAD_BYTES:
                    raise ValueError(f"{url} sent more than {MAX_DOWNLOAD_BYTES} bytes")
                out.write(chunk)
    return target
