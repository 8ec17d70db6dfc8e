"""Issue 12 "DGII rules that are wrong today" and the date rules of issued documents, each
through the API (and the services where the rule lives): the issuer's RNC or cédula, ITBIS
rates and one ITBIS treatment per fiscal line, foreign buyers, dates in a fiscal series, the
exchange rate fixed at issue, and the admin showing an issued invoice read-only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.core.errors import InvalidInput
from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.fiscal.rules import (
    CONSUMO_BUYER_ID_THRESHOLD,
    buyer_id_required,
    buyer_identity_problem,
)
from invoicing.invoices.models import Invoice
from tests.factories import ContactFactory
from tests.invoices.helpers import fiscal_subtype
from workspaces.models import Currency
from workspaces.services import workspace_update

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def today() -> datetime.date:
    return timezone.localdate()


def tax_id(workspace, name="ITBIS 18%") -> int:
    return Tax.objects.get(workspace=workspace, name=name).pk


def body(workspace, subtype, *, contact=None, price="1000.00", taxes=None, **extra):
    contact = contact or ContactFactory(workspace=workspace, tax_id_type="rnc",
                                        tax_id="131246796")
    return {"contact_id": contact.pk, "document_subtype_id": subtype.pk,
            "items": [{"description": "Servicio", "quantity": "1", "unit_price": price,
                       "tax_ids": [tax_id(workspace)] if taxes is None else taxes}],
            **extra}


class TestIssuer:
    def test_a_workspace_without_rnc_issues_no_fiscal_document(self, api, workspace):
        workspace.rnc = ""
        workspace.save(update_fields=["rnc"])
        b01 = fiscal_subtype(workspace, "B01")
        response = api.post(URL, body(workspace, b01), format="json")
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "issuer_id_required"
        assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 1
        plain = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        assert api.post(URL, body(workspace, plain), format="json").status_code == 201

    def test_a_persona_fisica_issues_under_its_cedula(self, api, workspace, owner):
        workspace_update(workspace=workspace, actor=owner, rnc="001-1391820-5")
        workspace.refresh_from_db()
        assert workspace.rnc == "00113918205"
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B01")),
                            format="json")
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize("bad", ["00113918204", "123456789", "12345"])
    def test_a_bad_rnc_or_cedula_is_400(self, workspace, owner, bad):
        with pytest.raises(InvalidInput) as refused:
            workspace_update(workspace=workspace, actor=owner, rnc=bad)
        assert "rnc" in refused.value.fields

    def test_the_settings_page_takes_a_cedula(self, logged_in_client, workspace):
        from django.urls import reverse

        from workspaces.forms import WorkspaceForm

        form = WorkspaceForm(data={"name": workspace.name, "rnc": "001-1391820-5",
                                   "quotation_validity_days": 15}, instance=workspace)
        form.is_valid()
        assert form.cleaned_data.get("rnc") == "00113918205"
        assert logged_in_client.get(reverse("workspaces:index")).status_code == 200


class TestItbis:
    @pytest.mark.parametrize("rate,ok", [("18", True), ("16", True), ("0", True),
                                         ("10", False), ("18.5", False), ("28", False)])
    def test_itbis_rates_are_18_16_and_0(self, api, rate, ok):
        response = api.post("/api/v1/taxes", {"name": f"ITBIS {rate} b", "kind": "itbis",
                                              "rate": rate}, format="json")
        assert response.status_code == (201 if ok else 400), response.content
        if not ok:
            assert "rate" in response.json()["error"]["fields"]

    def test_other_kinds_keep_any_rate(self, api):
        assert api.post("/api/v1/taxes", {"name": "ISC telecom", "kind": "isc",
                                          "rate": "10"}, format="json").status_code == 201

    @pytest.mark.parametrize("taxes", [[], ["Propina legal 10%"]])
    def test_a_fiscal_line_without_its_itbis_treatment_is_400(self, api, workspace, taxes):
        b01 = fiscal_subtype(workspace, "B01")
        response = api.post(URL, body(workspace, b01,
                                      taxes=[tax_id(workspace, n) for n in taxes]),
                            format="json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert "items.0.tax_ids" in error["fields"]
        assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 1

    @pytest.mark.parametrize("name", ["ITBIS 18%", "ITBIS 16%", "ITBIS 0%", "Exento"])
    def test_each_treatment_serves_a_fiscal_line(self, api, workspace, name):
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B01"),
                                      taxes=[tax_id(workspace, name)]), format="json")
        assert response.status_code == 201, response.content

    def test_two_treatments_on_a_line_are_400(self, api, workspace):
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B01"), taxes=[
            tax_id(workspace, "ITBIS 18%"), tax_id(workspace, "Exento")]), format="json")
        assert response.status_code == 400
        assert "items.0.tax_ids" in response.json()["error"]["fields"]

    def test_a_plain_invoice_line_may_go_without_tax(self, api, workspace):
        plain = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        assert api.post(URL, body(workspace, plain, taxes=[]),
                        format="json").status_code == 201

    def test_a_fiscal_draft_without_itbis_waits_but_does_not_issue(self, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        draft = api.post(URL, body(workspace, b01, taxes=[], status="draft"), format="json")
        assert draft.status_code == 201, draft.content
        response = api.post(f"{URL}/{draft.json()['id']}/issue", {}, format="json")
        assert response.status_code == 400
        assert "items.0.tax_ids" in response.json()["error"]["fields"]


class TestForeignBuyers:
    @pytest.fixture
    def tourist(self, workspace):
        return ContactFactory(workspace=workspace, name="John Smith", tax_id_type="passport",
                              tax_id="P1234567")

    def test_b02_from_250000_accepts_a_passport(self, api, workspace, tourist):
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B02"),
                                      contact=tourist, price="250000.00"), format="json")
        assert response.status_code == 201, response.content

    def test_b01_refuses_a_foreign_buyer(self, api, workspace, tourist):
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B01"),
                                      contact=tourist), format="json")
        assert response.status_code == 400
        assert "contact_id" in response.json()["error"]["fields"]

    def test_an_export_serves_a_foreign_company(self, api, workspace):
        created = api.post("/api/v1/document-subtypes", {
            "name": "Exportaciones", "ncf_type": "B16", "range_start": 1,
            "range_end": 100}, format="json")
        assert created.status_code == 201, created.content
        buyer = ContactFactory(workspace=workspace, name="Acme Corp", tax_id_type="foreign",
                               tax_id="US-12-3456789")
        b16 = DocumentSubtype.objects.get(pk=created.json()["id"])
        response = api.post(URL, body(workspace, b16, contact=buyer,
                                      taxes=[tax_id(workspace, "ITBIS 0%")]), format="json")
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize("code,ok", [("E32", True), ("B16", True), ("E46", True),
                                         ("E44", True), ("B01", False), ("E31", False),
                                         ("B14", False), ("B15", False), ("E45", False)])
    def test_where_a_foreign_id_serves(self, code, ok):
        buyer = ContactFactory.build(name="Foreign SA", tax_id_type="foreign", tax_id="X9")
        problem = buyer_identity_problem(ncf_type_code=code, contact=buyer,
                                         total_in_dop=CONSUMO_BUYER_ID_THRESHOLD)
        assert (problem is None) is ok, problem

    def test_notes_follow_the_document_they_modify(self):
        small = Decimal("1000.00")
        for note in ("B03", "E33", "B04", "E34"):
            assert buyer_id_required(ncf_type_code=note, total_in_dop=small,
                                     modified_ncf_type_code="B02",
                                     modified_total_in_dop=small) is False
            assert buyer_id_required(ncf_type_code=note, total_in_dop=small,
                                     modified_ncf_type_code="B01") is True


class TestDates:
    def test_an_issue_date_in_the_future_is_400(self, api, workspace):
        tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
        response = api.post(URL, body(workspace, fiscal_subtype(workspace, "B01"),
                                      issue_date=tomorrow), format="json")
        assert response.status_code == 400
        assert "issue_date" in response.json()["error"]["fields"]

    def test_not_before_the_previous_number_of_the_series(self, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        first = api.post(URL, body(workspace, b01, issue_date=today().isoformat()),
                         format="json")
        assert first.status_code == 201, first.content
        earlier = (today() - datetime.timedelta(days=5)).isoformat()
        response = api.post(URL, body(workspace, b01, issue_date=earlier), format="json")
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert "issue_date" in error["fields"]
        assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 2  # nothing taken
        assert Invoice.objects.filter(workspace=workspace).count() == 1
        # The same day is fine; another series is not held by B01's dates.
        assert api.post(URL, body(workspace, b01), format="json").status_code == 201
        b02 = fiscal_subtype(workspace, "B02")
        assert api.post(URL, body(workspace, b02, issue_date=earlier),
                        format="json").status_code == 201

    def test_a_draft_issued_later_with_an_older_date_is_refused(self, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        earlier = (today() - datetime.timedelta(days=3)).isoformat()
        draft = api.post(URL, body(workspace, b01, issue_date=earlier, status="draft"),
                         format="json").json()
        assert api.post(URL, body(workspace, b01), format="json").status_code == 201
        response = api.post(f"{URL}/{draft['id']}/issue", {}, format="json")
        assert response.status_code == 400
        assert "issue_date" in response.json()["error"]["fields"]


class TestFrozen:
    def test_the_exchange_rate_is_fixed_at_issue(self, api, workspace, owner):
        from workspaces.services import exchange_rate_set

        dollar = Currency.objects.get(workspace=workspace, code="USD")
        exchange_rate_set(currency=dollar, actor=owner, rate=Decimal("60.00"))
        plain = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        issued = api.post(URL, body(workspace, plain, currency_id=dollar.pk),
                          format="json").json()
        assert issued["exchange_rate"].startswith("60")
        exchange_rate_set(currency=dollar, actor=owner, rate=Decimal("65.00"))
        patched = api.patch(f"{URL}/{issued['id']}", {"notes": "otra nota"}, format="json")
        assert patched.status_code == 200, patched.content
        assert patched.json()["exchange_rate"] == issued["exchange_rate"]
        assert Invoice.objects.get(pk=issued["id"]).exchange_rate == Decimal("60.00")

    def test_the_admin_shows_an_issued_invoice_read_only(self, admin_client, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        issued = api.post(URL, body(workspace, b01), format="json").json()
        url = f"/admin/invoices/invoice/{issued['id']}/change/"
        html = admin_client.get(url).content.decode()
        assert 'name="contact"' not in html and 'name="issue_date"' not in html
        other = ContactFactory(workspace=workspace)
        admin_client.post(url, {"contact": other.pk, "issue_date": "2020-01-01",
                                "total_amount": "1.00"})
        invoice = Invoice.objects.get(pk=issued["id"])
        assert invoice.contact_id == issued["contact_id"]
        assert invoice.issue_date.isoformat() == issued["issue_date"]
        assert str(invoice.total_amount) == issued["total_amount"]
