"""The ANECF that voids unused e-NCF ranges and the signed authentication seed: valid
against DGII's schemas and verified by xmlsec1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from invoicing.ecf import pipeline
from invoicing.ecf.errors import EcfInvalid
from invoicing.ecf.xml import VoidedRange

from .certs import sample_credentials
from .xmlcheck import empty_elements, order_problems, parse, schema_messages, xmlsec_verify

AT = datetime(2026, 6, 15, 16, 0, 0, tzinfo=UTC)
SEED = (b'<?xml version="1.0" encoding="utf-8"?>\r\n<SemillaModel xmlns:xsi="http://www.w3.org/'
        b'2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\r\n  <valor>'
        b'gZ3HkR8b2sVbYPMd0dTQW1uZ2Z5a2l5Z3F0d2R4eQ==</valor>\r\n  <fecha>2026-06-15T12:00:00'
        b'-04:00</fecha>\r\n</SemillaModel>')


def test_anecf_voids_ranges_grouped_by_type(tmp_path):
    signed = pipeline.sign_voiding(rnc="131246796", credentials=sample_credentials(),
                                   voided_at=AT, ranges=[
                                       VoidedRange("E310000000010", "E310000000014"),
                                       VoidedRange("E320000000003", "E320000000003"),
                                       VoidedRange("E310000000020", "E310000000021")])
    assert schema_messages("ANECF", signed) == []
    assert empty_elements(signed) == [] and order_problems("ANECF", signed) == []
    root = parse(signed)
    assert root.findtext("Encabezado/CantidadeNCFAnulados") == "8"
    assert root.findtext("Encabezado/FechaHoraAnulacioneNCF") == "15-06-2026 12:00:00"
    voidings = root.findall("DetalleAnulacion/Anulacion")
    assert [(v.findtext("NoLinea"), v.findtext("TipoeCF"), v.findtext("CantidadeNCFAnulados"))
            for v in voidings] == [("1", "31", "7"), ("2", "32", "1")]
    assert [s.findtext("SecuenciaeNCFDesde") for s in voidings[0].iter("Secuencias")] == [
        "E310000000010", "E310000000020"]
    assert xmlsec_verify(signed, tmp_path).returncode == 0


@pytest.mark.parametrize("ranges", [[], [VoidedRange("E310000000005", "E320000000006")],
                                    [VoidedRange("E310000000009", "E310000000001")]])
def test_anecf_refuses_what_is_not_a_range(ranges):
    with pytest.raises(EcfInvalid):
        pipeline.sign_voiding(rnc="131246796", ranges=ranges, credentials=sample_credentials())


def test_seed_is_signed_as_dgii_expects(tmp_path):
    signed = pipeline.sign_seed(SEED, sample_credentials())
    assert schema_messages("SEMILLA", signed) == []
    root = parse(signed)
    assert root.findtext("valor") == "gZ3HkR8b2sVbYPMd0dTQW1uZ2Z5a2l5Z3F0d2R4eQ=="
    assert b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">' in signed
    assert xmlsec_verify(signed, tmp_path).returncode == 0


def test_something_else_than_a_seed_is_not_signed():
    with pytest.raises(EcfInvalid):
        pipeline.sign_seed(b"<SemillaModel><valor>x</valor></SemillaModel>",
                           sample_credentials())
