"""The QR URL DGII prints on an e-CF: its parameters, their order and their encoding."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from lxml import etree

from invoicing.ecf import qr
from invoicing.ecf.document import EcfType

from .documents import e31, e32_over, e32_under, e46

SIGNED = datetime(2026, 6, 15, 18, 30, 5, tzinfo=UTC)
CODE = "a+b/C="  # base64 characters that must be percent-encoded


def test_e31_url_has_dgii_parameters_in_order_and_encoding():
    url = qr.qr_url(e31(), security_code=CODE, signed_at=SIGNED, environment="testecf")
    base, query = url.split("?")
    assert base == "https://ecf.dgii.gov.do/testecf/consultatimbre"
    assert query == ("RncEmisor=131246796&RncComprador=101850043&ENCF=E310000000001"
                     "&FechaEmision=15-06-2026&MontoTotal=" + f"{e31().totals.total:.2f}"
                     + "&FechaFirma=15-06-2026%2014:30:05&CodigoSeguridad=a%2Bb%2FC%3D")
    assert dict(parse_qsl(urlsplit(url).query))["CodigoSeguridad"] == CODE


def test_e32_over_limit_uses_the_ecf_service_with_the_buyer():
    url = qr.qr_url(e32_over(), security_code="ABCDEF", signed_at=SIGNED, environment="ecf")
    assert url.startswith("https://ecf.dgii.gov.do/ecf/consultatimbre?RncEmisor=131246796"
                          "&RncComprador=00113918205&ENCF=E320000000001&")


def test_e32_under_limit_uses_the_consumer_invoice_service():
    document = e32_under()
    url = qr.qr_url(document, security_code=CODE, signed_at=SIGNED, environment="certecf")
    assert url == ("https://fc.dgii.gov.do/certecf/consultatimbrefc?RncEmisor=131246796"
                   f"&ENCF=E320000000007&MontoTotal={document.totals.total:.2f}"
                   "&CodigoSeguridad=a%2Bb%2FC%3D")


@pytest.mark.parametrize("ecf_type", [EcfType.E43, EcfType.E47])
def test_purchase_side_types_leave_out_the_buyer(ecf_type):
    document = replace(e46(), ecf_type=ecf_type, encf=f"{ecf_type.code}0000000001")
    url = qr.qr_url(document, security_code="ABCDEF", signed_at=SIGNED, environment="ecf")
    assert "RncComprador" not in url
    assert [name for name, _ in parse_qsl(urlsplit(url).query)] == [
        "RncEmisor", "ENCF", "FechaEmision", "MontoTotal", "FechaFirma", "CodigoSeguridad"]


def test_base_urls_come_from_settings(settings):
    settings.DGII_ECF_URL = "http://127.0.0.1:8999"
    settings.DGII_FC_URL = "http://127.0.0.1:8998/"
    assert qr.qr_url(e31(), security_code="ABCDEF", signed_at=SIGNED,
                     environment="ecf").startswith("http://127.0.0.1:8999/ecf/consultatimbre?")
    assert qr.qr_url(e32_under(), security_code="ABCDEF", signed_at=SIGNED,
                     environment="ecf").startswith("http://127.0.0.1:8998/ecf/consultatimbrefc?")


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError):
        qr.qr_url(e31(), security_code="ABCDEF", signed_at=SIGNED, environment="prod")


def test_qr_images_are_png_and_an_svg_of_printable_size():
    url = qr.qr_url(e31(), security_code=CODE, signed_at=SIGNED, environment="ecf")
    png = qr.qr_png(url)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr.qr_svg(url).decode()
    root = etree.fromstring(svg.encode())  # well-formed
    assert (root.get("width"), root.get("height")) == ("2.5cm", "2.5cm")
    assert root.get("viewBox")
    assert 'width="2.2cm"' in qr.qr_svg(url, size_cm=1.0).decode()  # never below DGII's minimum


def test_png_reads_back_as_the_url(tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg is missing: scripts/browser.sh installs it (Debian zbar-tools)")
    url = qr.qr_url(e31(), security_code=CODE, signed_at=SIGNED, environment="ecf")
    image = tmp_path / "qr.png"
    image.write_bytes(qr.qr_png(url))
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == url
