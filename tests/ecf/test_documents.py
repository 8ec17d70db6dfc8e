"""Every e-CF case of the issue, built, signed with the workspace's installed certificate and
checked independently: DGII's XSD, no empty element, items adding up to the totals, the
signature verified by Debian's xmlsec1 against the embedded certificate (and refused once a
byte changes), and the security code."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes

from invoicing.ecf import pipeline, signing
from invoicing.ecf.document import EcfType

from .certs import sample_credentials
from .documents import CASES, e31_usd, e32_under, e34
from .xmlcheck import (
    altered,
    empty_elements,
    order_problems,
    parse,
    schema_messages,
    totals_problems,
    xmlsec_verify,
)

SIGNED_AT = datetime(2026, 6, 15, 18, 30, 5, tzinfo=UTC)  # 14:30:05 in Santo Domingo


@pytest.fixture
def credentials():
    """Signing needs no database: the installed-certificate path is tested below."""
    return sample_credentials()


@pytest.fixture
def sign_case(credentials):
    def run(name):
        build, kind = CASES[name]
        document = build()
        return document, kind, pipeline.build_and_sign(
            document, credentials=credentials, environment="testecf", signed_at=SIGNED_AT)
    return run


@pytest.mark.parametrize("name", list(CASES))
def test_case_is_valid_complete_and_adds_up(name, sign_case):
    document, kind, signed = sign_case(name)
    assert schema_messages(kind, signed.xml) == []
    assert empty_elements(signed.xml) == []
    assert order_problems(kind, signed.xml) == []
    assert totals_problems(signed.xml) == []
    root = parse(signed.xml)
    assert root.tag == "ECF" and root.nsmap == {}
    assert root.findtext("FechaHoraFirma") == "15-06-2026 14:30:05"
    assert root.find("Paginacion") is None
    assert b"\n" not in signed.xml.split(b"<X509Certificate>")[0]  # not pretty-printed
    assert Decimal(root.findtext("Encabezado/Totales/MontoTotal")) == document.totals.total
    assert signed.file_name == f"131246796{document.encf}.xml"


@pytest.mark.parametrize("name", list(CASES))
def test_case_signature_verifies_with_xmlsec1_and_breaks_on_one_byte(name, sign_case,
                                                                     tmp_path):
    _document, _kind, signed = sign_case(name)
    result = xmlsec_verify(signed.xml, tmp_path / "good")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout + result.stderr
    for marker in (b"<MontoTotal>", b"<eNCF>E", b"<SignatureValue>"):
        broken = xmlsec_verify(altered(signed.xml, marker), tmp_path / marker.decode()[1:5])
        assert broken.returncode != 0, marker


@pytest.mark.parametrize("name", list(CASES))
def test_security_code_is_the_signature_value_start(name, sign_case):
    _document, _kind, signed = sign_case(name)
    value = parse(signed.xml).findtext(f"{{{signing.DS}}}Signature/{{{signing.DS}}}"
                                       "SignatureValue")
    assert len(signed.security_code) == 6
    assert signed.security_code == value[:6]


@pytest.mark.django_db
def test_signed_with_the_installed_certificate(workspace, installed_certificate, tmp_path):
    """The key sealed at install comes back out and signs; the document embeds exactly the
    installed certificate, and xmlsec1 verifies it."""
    from invoicing.ecf.selectors import signing_credentials

    signed = pipeline.build_and_sign(CASES["E31"][0](), environment="testecf",
                                     credentials=signing_credentials(workspace))
    embedded = signing.embedded_certificate(signed.xml)
    assert embedded.fingerprint(hashes.SHA256()).hex() == installed_certificate.fingerprint_sha256
    assert xmlsec_verify(signed.xml, tmp_path).returncode == 0


def test_signature_follows_dgii_profile(sign_case):
    _document, _kind, signed = sign_case("E31")
    text = signed.xml.decode()
    assert '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">' in text
    assert 'xmlns:ds' not in text and 'xmlns=""' not in text
    assert '<Reference URI="">' in text
    assert ('<Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#'
            'enveloped-signature"/></Transforms>') in text
    assert 'Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"' in text
    assert 'Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"' in text
    assert 'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"' in text
    key_info = text.split("<KeyInfo>")[1].split("</KeyInfo>")[0]
    assert key_info.startswith("<X509Data><X509Certificate>")
    assert key_info.endswith("</X509Certificate></X509Data>")
    assert text.endswith("</Signature></ECF>")
    assert signing.verify(signed.xml).subject == signing.embedded_certificate(
        signed.xml).subject


def test_e32_under_limit_gets_its_signed_rfce_with_the_security_code(sign_case, tmp_path):
    document, _kind, signed = sign_case("E32 under RD$250,000")
    assert document.is_consumer_summary and signed.summary_xml is not None
    summary = signed.summary_xml
    assert schema_messages("RFCE", summary) == []
    assert empty_elements(summary) == []
    assert order_problems("RFCE", summary) == []
    root = parse(summary)
    assert root.tag == "RFCE"
    assert root.findtext("Encabezado/CodigoSeguridadeCF") == signed.security_code
    assert root.findtext("Encabezado/IdDoc/eNCF") == document.encf
    assert Decimal(root.findtext("Encabezado/Totales/MontoTotal")) == document.totals.total
    assert xmlsec_verify(summary, tmp_path).returncode == 0


def test_e32_over_limit_has_no_rfce(sign_case):
    _document, _kind, signed = sign_case("E32 over RD$250,000")
    assert signed.summary_xml is None


def test_e32_without_buyer_data_still_has_its_comprador(credentials):
    from dataclasses import replace

    document = replace(e32_under(), buyer=None)
    signed = pipeline.build_and_sign(document, credentials=credentials, environment="ecf")
    root = parse(signed.xml)
    assert root.find("Encabezado/Comprador") is not None
    assert schema_messages("32", signed.xml) == []


@pytest.mark.parametrize("days, indicator", [(10, "0"), (30, "0"), (31, "1"), (45, "1")])
def test_e34_indicator_and_reference(days, indicator, credentials):
    document = e34(code=3, days=days)
    root = parse(pipeline.build_and_sign(document, credentials=credentials,
                                         environment="testecf").xml)
    assert root.findtext("Encabezado/IdDoc/IndicadorNotaCredito") == indicator
    assert root.find("Encabezado/IdDoc/FechaVencimientoSecuencia") is None
    reference = root.find("InformacionReferencia")
    assert [child.tag for child in reference] == [
        "NCFModificado", "FechaNCFModificado", "CodigoModificacion", "RazonModificacion"]


def test_usd_invoice_carries_both_currencies(sign_case):
    document, _kind, signed = sign_case("E31 in USD")
    root = parse(signed.xml)
    other = root.find("Encabezado/OtraMoneda")
    assert other.findtext("TipoMoneda") == "USD"
    assert other.findtext("TipoCambio") == "60.5000"
    usd_total = document.other_currency.totals.total
    assert Decimal(other.findtext("MontoTotalOtraMoneda")) == usd_total == Decimal("4338.96")
    dop_total = Decimal(root.findtext("Encabezado/Totales/MontoTotal"))
    # Each DOP line is its dollar line × rate, so the DOP total is within cents of the
    # converted dollar total.
    assert abs(dop_total - usd_total * Decimal("60.5")) <= Decimal("0.05")
    first = root.find("DetallesItems/Item")
    assert first.findtext("OtraMonedaDetalle/PrecioOtraMoneda") == "1199.99"
    assert first.findtext("PrecioUnitarioItem") == "72599.3950"


def test_other_currency_rate_with_more_decimals_is_refused():
    from invoicing.ecf.errors import EcfInvalid

    with pytest.raises(EcfInvalid) as caught:
        e31_usd(rate="60.12345").check()
    assert any(m.element == "TipoCambio" for m in caught.value.messages)


def test_signing_time_is_santo_domingo_time_to_the_second(credentials):
    moment = datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    signed = pipeline.build_and_sign(CASES["E31"][0](), credentials=credentials,
                                     environment="testecf", signed_at=moment)
    assert parse(signed.xml).findtext("FechaHoraFirma") == "31-12-2026 19:59:59"
    assert signed.signed_at == moment.replace(microsecond=0)


def test_types_are_the_document_types(sign_case):
    for name, (build, kind) in CASES.items():
        assert build().ecf_type == EcfType(int(kind)), name
