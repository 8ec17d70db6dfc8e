"""Reading rendered PDFs back as text, with poppler's pdftotext (Debian poppler-utils)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def pdf_text(content: bytes, *, page: int | None = None, layout: bool = True) -> str:
    """The text of the whole PDF, or of one page (1-based)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        command = ["pdftotext", "-enc", "UTF-8"]
        if layout:
            command.append("-layout")
        if page is not None:
            command += ["-f", str(page), "-l", str(page)]
        command += [str(path), "-"]
        return subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")


def page_count(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout.decode(), re.M).group(1))


def lines_with(text: str, *needles: str) -> list[str]:
    """The text lines that contain every needle (a row of a table, read with -layout)."""
    return [line for line in text.splitlines() if all(needle in line for needle in needles)]


def squash(text: str) -> str:
    """Whitespace folded to single spaces, for phrases that may wrap."""
    return re.sub(r"\s+", " ", text)
