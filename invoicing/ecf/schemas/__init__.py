"""DGII's XML Schemas (provenance in PROVENANCE.md beside this file): one compiled
`lxml.etree.XMLSchema` per document kind, loaded once per process, and validation that answers
with readable messages (line, element, message).

Kinds: the e-CF types ("31" … "47"), "RFCE", "ANECF", "ARECF", "ACECF" and "SEMILLA".
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from lxml import etree

from invoicing.ecf.errors import EcfInvalid, SchemaMessage

SCHEMA_DIR = Path(__file__).resolve().parent
# libxml2 compiles this set; `published/` is DGII's byte copy, kept as the reference.
VALIDATING_SET = "lxml"

ECF_TYPES = ("31", "32", "33", "34", "41", "43", "44", "45", "46", "47")
FILES = {
    **{t: f"e-CF {t} v.1.0.xsd" for t in ECF_TYPES},
    "RFCE": "RFCE 32 v.1.0.xsd",
    "ANECF": "ANECF v.1.0.xsd",
    "ARECF": "ARECF v1.0.xsd",
    "ACECF": "ACECF v.1.0.xsd",
    "SEMILLA": "Semilla v.1.0.xsd",
}

# Schemas are read from our own files only: no network, no external entities.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)

# A compiled schema keeps one error log, so two threads validating with it at once would mix
# their messages; each kind validates under its own lock (a validation takes well under 1 ms).
_locks = {kind: threading.Lock() for kind in FILES}


def kind_of(ecf_type: int | str) -> str:
    kind = str(ecf_type).upper().removeprefix("E")
    if kind not in FILES:
        raise KeyError(f"no DGII schema for {ecf_type!r}")
    return kind


def schema_path(kind: str, variant: str = VALIDATING_SET) -> Path:
    return SCHEMA_DIR / variant / FILES[kind_of(kind)]


def parse_schema_document(kind: str, variant: str = VALIDATING_SET) -> etree._ElementTree:
    return etree.parse(str(schema_path(kind, variant)), SAFE_PARSER)


@cache
def _compiled(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(parse_schema_document(kind))


def schema(kind: str) -> etree.XMLSchema:
    """The compiled schema of `kind` (from the libxml2-compatible set), built once."""
    return _compiled(kind_of(kind))


def _messages(log) -> list[SchemaMessage]:
    out = []
    for entry in log:
        element = entry.path or ""
        out.append(SchemaMessage(message=entry.message, element=element, line=entry.line or None))
    return out


def validate(kind: str, xml: bytes | etree._Element, *, unsigned: bool = False
             ) -> list[SchemaMessage]:
    """The schema's complaints about `xml` (empty when valid).

    DGII's schemas end every document with a required `xs:any` (the signature, not checked);
    `unsigned=True` validates a document before it is signed by standing a placeholder in for
    the signature while validating.
    """
    kind = kind_of(kind)
    if isinstance(xml, bytes | bytearray):
        try:
            root = etree.fromstring(bytes(xml), SAFE_PARSER)
        except etree.XMLSyntaxError as exc:
            return [SchemaMessage(message=str(exc), line=exc.lineno)]
    else:
        root = xml
    placeholder = etree.SubElement(root, "Signature") if unsigned else None
    try:
        compiled = schema(kind)
        with _locks[kind]:
            if compiled.validate(root):
                return []
            return _messages(compiled.error_log)
    finally:
        if placeholder is not None:
            root.remove(placeholder)


def assert_valid(kind: str, xml: bytes | etree._Element, *, unsigned: bool = False) -> None:
    """Raise `EcfInvalid` with the schema's messages unless `xml` is valid for `kind`."""
    messages = validate(kind, xml, unsigned=unsigned)
    if messages:
        raise EcfInvalid(messages)
