"""The QR code of the printed e-CF: DGII's consultation URL, and its image (segno).

Parameters in DGII's order (DOMAIN.md): `RncEmisor, RncComprador, ENCF, FechaEmision
(dd-MM-yyyy), MontoTotal, FechaFirma (dd-MM-yyyy HH:mm:ss, the space as %20),
CodigoSeguridad (percent-encoded)`; no RncComprador on E43/E47 (nor where the buyer has
none). An E32 under RD$250,000 points at the consumer-invoice service instead:
`{DGII_FC_URL}/{env}/consultatimbrefc?RncEmisor&ENCF&MontoTotal&CodigoSeguridad`.
"""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import quote

import segno
from django.conf import settings

from .document import EcfDocument, EcfType
from .xml import SANTO_DOMINGO, day, money

# The printed QR must measure at least 2.2 cm (DGII); the PDF prints it at this size.
PRINT_SIZE_CM = 2.5
ENVIRONMENTS = ("testecf", "certecf", "ecf")
NO_BUYER_IN_QR = {EcfType.E43, EcfType.E47}


def _query(pairs: list[tuple[str, str]]) -> str:
    # The dates keep their dashes and colons readable, as DGII prints them.
    return "&".join(f"{name}={quote(value, safe='-:.')}" for name, value in pairs)


def qr_url(document: EcfDocument, *, security_code: str, signed_at: datetime,
           environment: str) -> str:
    """DGII's consultation URL for the signed `document`."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown DGII environment {environment!r}")
    total = money(document.totals.total)
    if document.is_consumer_summary:
        base = settings.DGII_FC_URL.rstrip("/")
        return f"{base}/{environment}/consultatimbrefc?" + _query([
            ("RncEmisor", document.issuer.rnc), ("ENCF", document.encf),
            ("MontoTotal", total), ("CodigoSeguridad", security_code)])
    pairs = [("RncEmisor", document.issuer.rnc)]
    buyer_tax_id = document.buyer.tax_id if document.buyer else ""
    if document.ecf_type not in NO_BUYER_IN_QR and buyer_tax_id:
        pairs.append(("RncComprador", buyer_tax_id))
    pairs += [
        ("ENCF", document.encf),
        ("FechaEmision", day(document.issue_date)),
        ("MontoTotal", total),
        ("FechaFirma", signed_at.astimezone(SANTO_DOMINGO).strftime("%d-%m-%Y %H:%M:%S")),
        ("CodigoSeguridad", security_code),
    ]
    base = settings.DGII_ECF_URL.rstrip("/")
    return f"{base}/{environment}/consultatimbre?" + _query(pairs)


def _qr(url: str) -> segno.QRCode:
    # Level M survives a smudged print; the URL fits in a version ~7 symbol.
    return segno.make_qr(url, error="m")


def qr_png(url: str, *, scale: int = 6) -> bytes:
    """PNG of the QR (`scale` pixels per module, 4-module quiet zone)."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, *, size_cm: float = PRINT_SIZE_CM) -> bytes:
    """SVG of the QR sized `size_cm` centimetres across (never below DGII's 2.2 cm)."""
    size_cm = max(size_cm, 2.2)
    code = _qr(url)
    modules = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=1, border=4, unit="cm", xmldecl=False,
              svgns=True)
    svg = buffer.getvalue().decode()
    # segno writes one centimetre per module (with a viewBox in modules): set the printed
    # size and let the viewBox scale the drawing.
    svg = svg.replace(f'width="{modules}cm" height="{modules}cm"',
                      f'width="{size_cm}cm" height="{size_cm}cm"', 1)
    return svg.encode()
