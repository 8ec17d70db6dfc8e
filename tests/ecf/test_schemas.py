"""DGII's schemas as the project keeps them: the published set is DGII's bytes, the lxml set
compiles and differs from it only in the three documented fixes, and validation answers
with readable messages."""

from __future__ import annotations

import hashlib
import re

import pytest
from lxml import etree

from invoicing.ecf import schemas
from invoicing.ecf.layout import layout

PROVENANCE = (schemas.SCHEMA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
KINDS = sorted(schemas.FILES)


def _documented_prefixes() -> dict[str, str]:
    return dict(re.findall(r"^\| (.+?\.xsd) \| ([0-9a-f]{16}) \|$", PROVENANCE, re.M))


def test_published_set_is_dgii_bytes_as_provenance_lists():
    documented = _documented_prefixes()
    assert set(documented) == set(schemas.FILES.values())
    for name, prefix in documented.items():
        data = (schemas.SCHEMA_DIR / "published" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:16] == prefix, name


@pytest.mark.parametrize("kind", KINDS)
def test_every_lxml_schema_compiles(kind):
    assert isinstance(schemas.schema(kind), etree.XMLSchema)


def test_the_three_fixed_files_do_not_compile_as_published():
    failing = set()
    for kind in KINDS:
        try:
            etree.XMLSchema(schemas.parse_schema_document(kind, "published"))
        except etree.XMLSchemaParseError:
            failing.add(schemas.FILES[kind])
    assert failing == {"e-CF 31 v.1.0.xsd", "ACECF v.1.0.xsd", "RFCE 32 v.1.0.xsd"}


def _nodes(tree):
    """Every node of a parsed schema in document order, whitespace around text ignored:
    (path, kind, name, value)."""
    out = []
    for node in tree.getroot().iter():
        path = tree.getpath(node)
        if isinstance(node.tag, str):
            out.append((path, "tag", node.tag, ""))
            out.extend((path, "attr", k, v) for k, v in sorted(node.attrib.items()))
        else:
            out.append((path, "comment", "", (node.text or "").strip()))
        out.append((path, "text", "", (node.text or "").strip() if isinstance(node.tag, str)
                    else ""))
        out.append((path, "tail", "", (node.tail or "").strip()))
    return out


def _is_documented_fix(name: str, attribute: str, published: str, fixed: str) -> bool:
    if name == "e-CF 31 v.1.0.xsd" and attribute == "name":
        return published == " IndicadorServicioTodoIncluidoType" and fixed == published.strip()
    if name in ("ACECF v.1.0.xsd", "RFCE 32 v.1.0.xsd") and attribute == "value":
        return "(?:" in published and published.replace("(?:", "(") == fixed
    return False


def test_lxml_set_differs_from_published_only_in_the_three_fixes():
    fixes = {}
    for kind in KINDS:
        name = schemas.FILES[kind]
        published = _nodes(schemas.parse_schema_document(kind, "published"))
        fixed = _nodes(schemas.parse_schema_document(kind, "lxml"))
        assert len(published) == len(fixed), name
        for before, after in zip(published, fixed, strict=True):
            if before == after:
                continue
            assert before[:3] == after[:3], (name, before, after)
            assert before[1] == "attr" and _is_documented_fix(
                name, before[2], before[3], after[3]), (name, before, after)
            fixes.setdefault(name, []).append(after[3])
    assert sorted(fixes) == ["ACECF v.1.0.xsd", "RFCE 32 v.1.0.xsd", "e-CF 31 v.1.0.xsd"]
    assert len(fixes["e-CF 31 v.1.0.xsd"]) == 1


def test_schema_is_loaded_once_per_process():
    assert schemas.schema("31") is schemas.schema("E31")


def test_validation_names_line_element_and_reason():
    messages = schemas.validate("31", b"<ECF><Encabezado><Version>2.0</Version></Encabezado></ECF>")
    assert messages
    first = messages[0]
    assert first.line == 1 and first.element.startswith("/ECF/Encabezado")
    assert "Version" in first.message
    assert str(first).startswith("line 1 /ECF/Encabezado")


def test_malformed_xml_is_a_message_not_a_crash():
    messages = schemas.validate("32", b"<ECF><unclosed></ECF>")
    assert messages and messages[0].line == 1


def test_layout_follows_the_schema_order_per_type():
    header = layout("31").child("Encabezado")
    assert header.child_names[:3] == ("Version", "IdDoc", "Emisor")
    totals = header.child("Totales").child_names
    assert totals.index("MontoGravadoTotal") < totals.index("ITBIS1") < totals.index(
        "TotalITBIS") < totals.index("MontoTotal")
    assert "FechaVencimientoSecuencia" not in layout("32").child("Encabezado").child(
        "IdDoc").child_names
    assert layout("31").child("Encabezado").child("Emisor").child(
        "RazonSocialEmisor").max_length == 150
