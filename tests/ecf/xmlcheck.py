"""Checks on signed e-CF bytes, independent of the code that wrote them: DGII's XSD, no
empty element, items that add up to the totals, and Debian's xmlsec1 on the signature."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from invoicing.ecf import schemas
from invoicing.ecf.signing import DS, embedded_certificate

ONE = Decimal("1.00")


def parse(signed: bytes) -> etree._Element:
    return etree.fromstring(signed)


def schema_messages(kind: str, signed: bytes) -> list[str]:
    return [str(m) for m in schemas.validate(kind, signed)]


def empty_elements(signed: bytes) -> list[str]:
    """Elements with neither children nor text, outside the signature (XMLDSig's
    `<Transform Algorithm=…/>` are empty by design)."""
    root = parse(signed)
    return [root.getroottree().getpath(el) for el in root.iter()
            if isinstance(el.tag, str) and not el.tag.startswith(f"{{{DS}}}")
            and len(el) == 0 and not (el.text or "").strip()]


def amount(root, path: str) -> Decimal | None:
    text = root.findtext(path)
    return Decimal(text) if text is not None else None


def totals_problems(signed: bytes) -> list[str]:
    """Where the items do not add up to the totals beyond DGII's tolerance (±1 peso per line,
    as many pesos as lines on the totals), and where MontoTotal is not its parts."""
    root = parse(signed)
    items = root.findall("DetallesItems/Item")
    problems, sums = [], {}
    for item in items:
        qty, price = Decimal(item.findtext("CantidadItem")), Decimal(
            item.findtext("PrecioUnitarioItem"))
        discount = Decimal(item.findtext("DescuentoMonto") or "0")
        value = Decimal(item.findtext("MontoItem"))
        if abs(qty * price - discount - value) > ONE:
            problems.append(f"line {item.findtext('NumeroLinea')}: {qty}×{price}−{discount}"
                            f" ≠ {value}")
        indicator = item.findtext("IndicadorFacturacion")
        sums[indicator] = sums.get(indicator, Decimal(0)) + value
    tolerance = ONE * len(items)
    fields = {"1": "MontoGravadoI1", "2": "MontoGravadoI2", "3": "MontoGravadoI3",
              "4": "MontoExento", "0": "MontoNoFacturable"}
    for indicator, name in fields.items():
        stated = amount(root, f"Encabezado/Totales/{name}")
        summed = sums.get(indicator)
        if (stated is None) != (summed is None) or (
                stated is not None and abs(stated - summed) > tolerance):
            problems.append(f"{name}: {stated} vs items {summed}")
    totals = "Encabezado/Totales/"
    parts = [amount(root, totals + n) or Decimal(0) for n in (
        "MontoGravadoTotal", "MontoExento", "TotalITBIS", "MontoImpuestoAdicional")]
    if sum(parts) != amount(root, totals + "MontoTotal"):
        problems.append(f"MontoTotal {amount(root, totals + 'MontoTotal')} ≠ {sum(parts)}")
    gravado = [amount(root, totals + f"MontoGravadoI{n}") for n in (1, 2, 3)]
    if any(g is not None for g in gravado) and sum(g or 0 for g in gravado) != amount(
            root, totals + "MontoGravadoTotal"):
        problems.append("MontoGravadoTotal is not I1 + I2 + I3")
    return problems


def xmlsec_verify(signed: bytes, folder: Path) -> subprocess.CompletedProcess:
    """Debian's xmlsec1 (libxmlsec1, not signxml) checks the signature with the key of the
    certificate the document embeds, that certificate trusted as its own root."""
    if shutil.which("xmlsec1") is None:
        pytest.fail("xmlsec1 is missing: scripts/browser.sh installs it (Debian xmlsec1)")
    folder.mkdir(parents=True, exist_ok=True)
    document, certificate = folder / "document.xml", folder / "embedded.pem"
    document.write_bytes(signed)
    certificate.write_bytes(embedded_certificate(signed).public_bytes(Encoding.PEM))
    return subprocess.run(
        ["xmlsec1", "--verify", "--enabled-key-data", "x509", "--trusted-pem",
         str(certificate), str(document)], capture_output=True, text=True, timeout=60)


def altered(signed: bytes, marker: bytes) -> bytes:
    """`signed` with one byte changed: the first digit after `marker`."""
    start = signed.index(marker) + len(marker)
    position = next(i for i in range(start, len(signed)) if chr(signed[i]).isdigit())
    digit = b"1" if signed[position:position + 1] != b"1" else b"2"
    return signed[:position] + digit + signed[position + 1:]


def order_problems(kind: str, signed: bytes) -> list[str]:
    """Elements whose children are not in the order the XSD of `kind` gives them."""
    from invoicing.ecf.layout import layout

    problems = []

    def walk(element, spec, path):
        names = spec.child_names
        seen = [child.tag for child in element if isinstance(child.tag, str)
                and not child.tag.startswith(f"{{{DS}}}")]
        positions = [names.index(tag) if tag in names else -1 for tag in seen]
        if -1 in positions or positions != sorted(positions):
            problems.append(f"{path}: {seen}")
            return
        for child in element:
            if isinstance(child.tag, str) and spec.child(child.tag) is not None:
                walk(child, spec.child(child.tag), f"{path}/{child.tag}")

    root = parse(signed)
    walk(root, layout(kind), f"/{root.tag}")
    return problems
