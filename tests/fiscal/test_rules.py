"""Fiscal rules: one ITBIS treatment per line, and when the buyer must be identified."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.core.errors import InvalidInput
from invoicing.fiscal.models import Tax, TaxKind
from invoicing.fiscal.ncf_types import NCF_TYPES
from invoicing.fiscal.rules import (
    CONSUMO_BUYER_ID_THRESHOLD,
    buyer_id_required,
    check_line_taxes,
)


def tax(name: str, kind: str, rate: str = "18.00") -> Tax:
    return Tax(name=name, kind=kind, rate=Decimal(rate))


ITBIS18 = tax("ITBIS 18%", TaxKind.ITBIS)
ITBIS16 = tax("ITBIS 16%", TaxKind.ITBIS, "16.00")
EXENTO = tax("Exento", TaxKind.EXEMPT, "0.00")
PROPINA = tax("Propina legal 10%", TaxKind.TIP, "10.00")
ISC = tax("ISC", TaxKind.ISC, "10.00")
OTRO = tax("Otro", TaxKind.OTHER, "2.00")


class TestLineTaxes:
    @pytest.mark.parametrize("taxes", [
        [], [ITBIS18], [EXENTO], [ITBIS16, PROPINA], [ITBIS18, PROPINA, ISC, OTRO],
        [EXENTO, ISC], [PROPINA, ISC, OTRO],
    ])
    def test_at_most_one_itbis_treatment_passes(self, taxes):
        check_line_taxes(taxes)

    @pytest.mark.parametrize("taxes", [
        [ITBIS18, ITBIS16], [ITBIS18, EXENTO], [EXENTO, EXENTO], [ITBIS18, PROPINA, ITBIS18],
    ])
    def test_two_itbis_treatments_are_refused_naming_the_field(self, taxes):
        with pytest.raises(InvalidInput) as caught:
            check_line_taxes(taxes, field="items.2.tax_ids")
        assert list(caught.value.fields) == ["items.2.tax_ids"]
        assert caught.value.http_status == 400
        assert taxes[0].name in caught.value.message

    def test_frozen_json_copies_are_checked_too(self):
        copies = [{"id": 1, "name": "ITBIS 18%", "kind": "itbis", "rate": "18.00"},
                  {"id": 3, "name": "Exento", "kind": "exempt", "rate": "0.00"}]
        with pytest.raises(InvalidInput):
            check_line_taxes(copies)
        check_line_taxes([copies[0], {"id": 4, "name": "Propina", "kind": "tip"}])

    def test_default_field_is_tax_ids(self):
        with pytest.raises(InvalidInput) as caught:
            check_line_taxes([ITBIS18, ITBIS16])
        assert list(caught.value.fields) == ["tax_ids"]


# DOMAIN.md "Fiscal receipt numbers": type → buyer's RNC/cédula needed.
ALWAYS = ["B01", "E31", "B11", "E41", "B14", "E44", "B15", "E45", "B16", "E46"]
NEVER = ["B12", "B13", "E43", "B17", "E47"]
THRESHOLD = ["B02", "E32"]
CREDIT_NOTES = ["B04", "E34", "B03", "E33"]  # notes follow the original (issue 12)


class TestBuyerIdentity:
    def test_the_table_covers_every_type(self):
        assert sorted(ALWAYS + NEVER + THRESHOLD + CREDIT_NOTES) == sorted(NCF_TYPES)

    @pytest.mark.parametrize("code", ALWAYS)
    @pytest.mark.parametrize("total", ["0.00", "1.00", "250000.00", "9999999.99"])
    def test_always(self, code, total):
        assert buyer_id_required(ncf_type_code=code, total_in_dop=Decimal(total)) is True

    @pytest.mark.parametrize("code", NEVER)
    @pytest.mark.parametrize("total", ["0.00", "250000.00", "9999999.99"])
    def test_never(self, code, total):
        assert buyer_id_required(ncf_type_code=code, total_in_dop=Decimal(total)) is False

    @pytest.mark.parametrize("code", THRESHOLD)
    @pytest.mark.parametrize("total,required", [
        ("0.00", False), ("249999.99", False), ("250000.00", True), ("250000.01", True),
        ("1000000.00", True),
    ])
    def test_consumo_from_250000_inclusive(self, code, total, required):
        assert Decimal("250000.00") == CONSUMO_BUYER_ID_THRESHOLD
        assert buyer_id_required(ncf_type_code=code,
                                 total_in_dop=Decimal(total)) is required

    @pytest.mark.parametrize("note", CREDIT_NOTES)
    @pytest.mark.parametrize("modified,modified_total,required", [
        ("B01", "100.00", True),
        ("E31", "100.00", True),
        ("B15", "100.00", True),
        ("B02", "249999.99", False),
        ("B02", "250000.00", True),
        ("E32", "300000.00", True),
        ("B13", "500000.00", False),
        (None, "500000.00", False),
    ])
    def test_credit_note_follows_the_invoice_it_corrects(self, note, modified,
                                                         modified_total, required):
        # The note's own (smaller) total does not decide: the corrected invoice's does.
        assert buyer_id_required(ncf_type_code=note, total_in_dop=Decimal("10.00"),
                                 modified_ncf_type_code=modified,
                                 modified_total_in_dop=Decimal(modified_total)) is required

    def test_credit_note_without_its_invoice_requires_nothing(self):
        assert buyer_id_required(ncf_type_code="B04", total_in_dop=Decimal("900000")) is False

    @pytest.mark.parametrize("code", [None, "", "B99", "INV"])
    def test_plain_or_unknown_series_require_nothing(self, code):
        assert buyer_id_required(ncf_type_code=code, total_in_dop=Decimal("900000")) is False
