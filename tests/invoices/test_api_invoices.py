"""Every rule of API.md for /invoices, through the API."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.invoices.models import Invoice, InvoiceLine
from tests.factories import ContactFactory
from tests.invoices.helpers import (
    customer,
    fiscal_subtype,
    make_invoice,
    plain_subtype,
    product,
    tax,
)
from workspaces.models import Currency

pytestmark = pytest.mark.django_db
URL = "/api/v1/invoices"
TODAY = timezone.localdate


def body(workspace, **overrides):
    data = {
        "contact_id": overrides.pop("contact", None) or customer(workspace).pk,
        "document_subtype_id": plain_subtype(workspace).pk,
        "items": [{"description": "Servicio de diseño gráfico", "quantity": "2",
                   "unit_price": "500.00", "tax_ids": [tax(workspace, "ITBIS 18%").pk]}],
    }
    data.update(overrides)
    return data


def error_fields(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"].get("fields", {})


class TestCreate:
    def test_issued_at_once_with_the_next_number(self, api, workspace):
        first = api.post(URL, body(workspace), format="json").json()
        second = api.post(URL, body(workspace), format="json").json()
        assert (first["document_number"], second["document_number"]) == ("INV-0001",
                                                                          "INV-0002")
        assert first["status"] == "pending_payment"

    def test_fields_and_totals(self, api, workspace):
        data = api.post(URL, body(workspace, payment_term="Net 30", notes="Gracias"),
                        format="json").json()
        assert data["subtotal_amount"] == "1000.00"
        assert data["discount_amount"] == "0.00"
        assert data["tax_amount"] == "180.00"
        assert data["total_amount"] == "1180.00"
        assert data["amount_paid"] == "0.00" and data["amount_due"] == "1180.00"
        assert data["currency"] == "DOP" and data["exchange_rate"] == "1.0000"
        assert data["payment_term"] == "Net 30" and data["notes"] == "Gracias"
        assert data["payments"] == [] and data["salesmen"] == []
        assert data["quotation_id"] is None and data["cancellation"] is None
        item = data["items"][0]
        assert item["quantity"] == "2.0000" and item["unit_price"] == "500.00"
        assert item["discount"] == "0.00" and item["discount_type"] == "amount"
        assert (item["subtotal"], item["tax_amount"], item["total"]) == ("1000.00", "180.00",
                                                                         "1180.00")
        assert data["contact"]["name"] and set(data["contact"]) == {"id", "name", "tax_id",
                                                                    "email"}
        for key in ("created_at", "updated_at"):
            assert datetime.datetime.fromisoformat(data[key]).tzinfo is not None

    def test_defaults_come_from_the_product_and_contact(self, api, workspace):
        item = product(workspace, price="250.00", taxes=("ITBIS 16%",), name="Queso de hoja")
        contact = ContactFactory(workspace=workspace, payment_terms_days=30)
        data = api.post(URL, body(workspace, contact=contact.pk,
                                  items=[{"product_id": item.pk, "quantity": 4}]),
                        format="json").json()
        line = data["items"][0]
        assert line["description"] == "Queso de hoja"
        assert line["unit_price"] == "250.00"
        assert line["tax_ids"] == [tax(workspace, "ITBIS 16%").pk]
        assert data["total_amount"] == "1160.00"
        assert data["issue_date"] == TODAY().isoformat()
        assert data["due_date"] == (TODAY() + datetime.timedelta(days=30)).isoformat()

    def test_due_date_defaults_to_issue_date_without_terms(self, api, workspace):
        data = api.post(URL, body(workspace, issue_date="2026-03-01"), format="json").json()
        assert data["due_date"] == "2026-03-01"

    def test_numbers_as_json_numbers_are_accepted(self, api, workspace):
        data = api.post(URL, body(workspace, items=[{"description": "x", "quantity": 1.5,
                                                     "unit_price": 10}]), format="json").json()
        assert data["total_amount"] == "15.00"

    def test_percentage_discount_and_several_rates_round_each_line(self, api, workspace):
        items = [
            {"description": "Línea A", "quantity": "3", "unit_price": "33.33",
             "discount": "10", "discount_type": "percentage",
             "tax_ids": [tax(workspace, "ITBIS 18%").pk, tax(workspace, "Propina legal 10%").pk]},
            {"description": "Línea B", "quantity": "1.5", "unit_price": "19.99",
             "discount": "2.50", "tax_ids": [tax(workspace, "ITBIS 16%").pk]},
            {"description": "Línea C", "quantity": "1", "unit_price": "100",
             "tax_ids": [tax(workspace, "Exento").pk]},
        ]
        data = api.post(URL, body(workspace, items=items), format="json").json()
        a, b, c = data["items"]
        # A: gross 99.99, discount 10.00 (9.999), net 89.99, ITBIS 16.20, tip 9.00
        assert (a["subtotal"], a["discount_amount"], a["tax_amount"], a["total"]) == (
            "99.99", "10.00", "25.20", "115.19")
        # B: gross 29.985 → 29.99, discount 2.50, net 27.49, ITBIS 16% 4.3984 → 4.40
        assert (b["subtotal"], b["discount_amount"], b["tax_amount"], b["total"]) == (
            "29.99", "2.50", "4.40", "31.89")
        assert c["tax_amount"] == "0.00" and c["total"] == "100.00"
        assert data["subtotal_amount"] == "229.98"
        assert data["discount_amount"] == "12.50"
        assert data["tax_amount"] == "29.60"
        assert data["total_amount"] == "247.08"

    def test_draft_takes_no_number(self, api, workspace):
        data = api.post(URL, body(workspace, status="draft"), format="json").json()
        assert data["status"] == "draft" and data["document_number"] is None

    def test_zero_total_is_paid(self, api, workspace):
        data = api.post(URL, body(workspace, items=[{"description": "Cortesía", "quantity": 1,
                                                     "unit_price": 0}]), format="json").json()
        assert data["status"] == "paid" and data["amount_due"] == "0.00"

    def test_salesmen(self, api, workspace):
        from tests.factories import SalesmanFactory

        seller = SalesmanFactory(workspace=workspace, name="Ana Peña")
        data = api.post(URL, body(workspace, salesman_ids=[seller.pk]), format="json").json()
        assert data["salesman_ids"] == [seller.pk]
        assert data["salesmen"] == [{"id": seller.pk, "name": "Ana Peña"}]

    def test_foreign_currency_takes_the_rate_in_force_on_the_issue_date(self, api, workspace):
        from workspaces.models import Currency
        from workspaces.services import exchange_rate_set

        usd = Currency.objects.get(workspace=workspace, code="USD")
        exchange_rate_set(currency=usd, actor=None, rate=Decimal("58.1000"),
                          effective_date=datetime.date(2026, 1, 1))
        exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.2500"),
                          effective_date=datetime.date(2026, 6, 1))
        data = api.post(URL, body(workspace, currency_id=usd.pk, issue_date="2026-03-15"),
                        format="json").json()
        assert data["currency"] == "USD" and data["exchange_rate"] == "58.1000"


class TestBadInput:
    @pytest.mark.parametrize("quantity", ["-1", "0", "abc", None, "1.23456"])
    def test_bad_quantity(self, api, workspace, quantity):
        items = [{"description": "x", "quantity": quantity, "unit_price": "10"}]
        fields = error_fields(api.post(URL, body(workspace, items=items), format="json"))
        assert "items.0.quantity" in fields

    def test_empty_or_missing_lines(self, api, workspace):
        assert "items" in error_fields(api.post(URL, body(workspace, items=[]), format="json"))
        data = body(workspace)
        del data["items"]
        assert "items" in error_fields(api.post(URL, data, format="json"))

    def test_due_date_before_issue_date(self, api, workspace):
        fields = error_fields(api.post(URL, body(workspace, issue_date="2026-05-10",
                                                 due_date="2026-05-09"), format="json"))
        assert "due_date" in fields

    def test_foreign_and_unknown_ids_are_not_found(self, api, workspace, other_workspace):
        foreign_contact = ContactFactory(workspace=other_workspace)
        assert "contact_id" in error_fields(
            api.post(URL, body(workspace, contact=foreign_contact.pk), format="json"))
        assert "document_subtype_id" in error_fields(api.post(URL, body(
            workspace, document_subtype_id=plain_subtype(other_workspace).pk), format="json"))
        assert "currency_id" in error_fields(api.post(URL, body(workspace, currency_id=999999),
                                                      format="json"))
        foreign_product = product(other_workspace)
        fields = error_fields(api.post(URL, body(workspace, items=[
            {"product_id": foreign_product.pk, "quantity": 1}]), format="json"))
        assert "items.0.product_id" in fields
        fields = error_fields(api.post(URL, body(workspace, items=[
            {"description": "x", "quantity": 1, "unit_price": 1,
             "tax_ids": [tax(other_workspace, "ITBIS 18%").pk]}]), format="json"))
        assert "items.0.tax_ids" in fields
        assert "salesman_ids" in error_fields(api.post(URL, body(workspace,
                                                                 salesman_ids=[424242]),
                                                       format="json"))

    def test_discount_over_gross(self, api, workspace):
        items = [{"description": "ok", "quantity": 1, "unit_price": 10},
                 {"description": "x", "quantity": 1, "unit_price": "10", "discount": "10.01"}]
        fields = error_fields(api.post(URL, body(workspace, items=items), format="json"))
        assert list(fields) == ["items.1.discount"]

    def test_percentage_over_100(self, api, workspace):
        items = [{"description": "x", "quantity": 1, "unit_price": "10", "discount": "100.5",
                  "discount_type": "percentage"}]
        assert "items.0.discount" in error_fields(api.post(URL, body(workspace, items=items),
                                                           format="json"))

    def test_two_itbis_treatments_on_a_line(self, api, workspace):
        items = [{"description": "x", "quantity": 1, "unit_price": "10",
                  "tax_ids": [tax(workspace, "ITBIS 18%").pk, tax(workspace, "Exento").pk]}]
        assert "items.0.tax_ids" in error_fields(api.post(URL, body(workspace, items=items),
                                                          format="json"))

    def test_line_without_product_needs_description_and_price(self, api, workspace):
        fields = error_fields(api.post(URL, body(workspace, items=[{"quantity": 1}]),
                                       format="json"))
        assert "items.0.description" in fields

    def test_bad_input_writes_nothing(self, api, workspace):
        items = [{"description": "x", "quantity": 1, "unit_price": "10"},
                 {"description": "y", "quantity": -1, "unit_price": "10"}]
        api.post(URL, body(workspace, items=items), format="json")
        assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
        assert plain_subtype(workspace).next_number == 1

    def test_huge_amounts_are_400_not_500(self, api, workspace):
        items = [{"description": "x", "quantity": "999999999", "unit_price": "999999999999"}]
        response = api.post(URL, body(workspace, items=items), format="json")
        assert response.status_code == 400


class TestFiscal:
    def test_fiscal_number_and_valid_until(self, api, workspace):
        subtype = fiscal_subtype(workspace, "B01")
        data = api.post(URL, body(workspace, document_subtype_id=subtype.pk),
                        format="json").json()
        assert data["document_number"] == "B0100000001"
        assert data["ncf_valid_until"] == subtype.valid_until.isoformat()

    def test_b01_needs_an_identified_buyer(self, api, workspace):
        subtype = fiscal_subtype(workspace, "B01")
        anonymous = ContactFactory(workspace=workspace, tax_id_type="none", tax_id="")
        response = api.post(URL, body(workspace, contact=anonymous.pk,
                                      document_subtype_id=subtype.pk), format="json")
        assert "contact_id" in error_fields(response)
        assert not Invoice.objects.exists()

    def test_b02_needs_the_buyer_from_250000(self, api, workspace):
        subtype = fiscal_subtype(workspace, "B02")
        anonymous = ContactFactory(workspace=workspace, tax_id_type="none", tax_id="")

        exento = tax(workspace, "Exento").pk

        def items(price):
            return [{"description": "Equipo", "quantity": 1, "unit_price": price,
                     "tax_ids": [exento]}]

        ok = api.post(URL, body(workspace, contact=anonymous.pk, items=items("249999.99"),
                                document_subtype_id=subtype.pk), format="json")
        assert ok.status_code == 201
        refused = api.post(URL, body(workspace, contact=anonymous.pk, items=items("250000"),
                                     document_subtype_id=subtype.pk), format="json")
        assert "contact_id" in error_fields(refused)

    def test_exhausted_range_is_409_and_writes_nothing(self, api, workspace):
        subtype = fiscal_subtype(workspace, "B01", start=1, end=1)
        assert api.post(URL, body(workspace, document_subtype_id=subtype.pk),
                        format="json").status_code == 201
        response = api.post(URL, body(workspace, document_subtype_id=subtype.pk),
                            format="json")
        assert response.status_code == 409
        assert "B01" in response.json()["error"]["message"]
        assert Invoice.objects.count() == 1

    def test_expired_range_is_409(self, api, workspace):
        subtype = fiscal_subtype(workspace, "B01")
        subtype.valid_until = TODAY() - datetime.timedelta(days=1)
        subtype.save()
        assert api.post(URL, body(workspace, document_subtype_id=subtype.pk),
                        format="json").status_code == 409

    def test_issued_invoice_keeps_the_buyer_it_was_issued_to(self, api, workspace):
        contact = ContactFactory(workspace=workspace, name="Original SRL")
        data = api.post(URL, body(workspace, contact=contact.pk), format="json").json()
        contact.name, contact.tax_id = "Renamed SRL", "131246796"
        contact.save()
        again = api.get(f"{URL}/{data['id']}").json()
        assert again["contact"]["name"] == "Original SRL"
        assert again["contact"]["tax_id"] == "101850043"


class TestLifecycle:
    def test_issue_a_draft(self, api, workspace):
        draft = api.post(URL, body(workspace, status="draft"), format="json").json()
        issued = api.post(f"{URL}/{draft['id']}/issue")
        assert issued.status_code == 200
        assert issued.json()["document_number"] == "INV-0001"
        again = api.post(f"{URL}/{draft['id']}/issue")
        assert again.status_code == 409

    def test_patch_replaces_the_lines_of_a_draft(self, api, workspace):
        data = api.post(URL, body(workspace, status="draft"), format="json").json()
        items = [{"description": "Nuevo", "quantity": 1, "unit_price": "50"}]
        patched = api.patch(f"{URL}/{data['id']}", {"items": items, "notes": "cambio"},
                            format="json").json()
        assert patched["document_number"] is None
        assert [i["description"] for i in patched["items"]] == ["Nuevo"]
        assert patched["total_amount"] == "50.00" and patched["notes"] == "cambio"

    def test_an_issued_invoice_is_frozen_but_its_terms_and_notes(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        items = [{"description": "Nuevo", "quantity": 1, "unit_price": "50"}]
        refused = api.patch(f"{URL}/{data['id']}", {"items": items}, format="json")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "document_issued"
        assert "nota" in refused.json()["error"]["message"].lower() \
            or "note" in refused.json()["error"]["message"].lower()
        for field, value in (("contact_id", customer(workspace).pk),
                             ("issue_date", "2020-01-01"),
                             ("currency_id", Currency.objects.get(workspace=workspace,
                                                                  code="USD").pk)):
            response = api.patch(f"{URL}/{data['id']}", {field: value}, format="json")
            assert response.status_code == 409, field
            assert response.json()["error"]["code"] == "document_issued", field
        ok = api.patch(f"{URL}/{data['id']}", {
            "notes": "ok", "payment_term": "Net 15", "due_date": data["issue_date"],
            "salesman_ids": []}, format="json")
        assert ok.status_code == 200, ok.json()
        assert Invoice.objects.get(pk=data["id"]).total_amount == Decimal(data["total_amount"])

    def test_sending_back_what_a_get_returned_changes_nothing(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        fetched = api.get(f"{URL}/{data['id']}").json()
        back = {name: fetched[name] for name in (
            "contact_id", "document_subtype_id", "issue_date", "due_date", "currency_id",
            "payment_term", "notes", "salesman_ids")}
        back["items"] = [{k: item[k] for k in ("product_id", "description", "quantity",
                                               "unit_price", "discount", "discount_type",
                                               "tax_ids")} for item in fetched["items"]]
        response = api.put(f"{URL}/{data['id']}", back, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["total_amount"] == data["total_amount"]

    def test_put_works_too(self, api, workspace):
        data = api.post(URL, body(workspace, status="draft"), format="json").json()
        response = api.put(f"{URL}/{data['id']}", body(workspace, notes="put"), format="json")
        assert response.status_code == 200 and response.json()["notes"] == "put"

    def test_issued_subtype_never_changes(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        other = fiscal_subtype(workspace, "B02")
        response = api.patch(f"{URL}/{data['id']}", {"document_subtype_id": other.pk},
                             format="json")
        assert response.status_code == 409

    def test_paid_invoice_keeps_lines_contact_and_currency(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        api.post("/api/v1/payments", {"invoice_id": data["id"], "amount": "10.00"},
                 format="json")
        items = [{"description": "x", "quantity": 1, "unit_price": "1"}]
        assert api.patch(f"{URL}/{data['id']}", {"items": items},
                         format="json").status_code == 409
        other = customer(workspace)
        assert api.patch(f"{URL}/{data['id']}", {"contact_id": other.pk},
                         format="json").status_code == 409
        assert api.patch(f"{URL}/{data['id']}", {"notes": "ok"},
                         format="json").status_code == 200

    def test_delete_draft_and_refuse_issued(self, api, workspace):
        draft = api.post(URL, body(workspace, status="draft"), format="json").json()
        assert api.delete(f"{URL}/{draft['id']}").status_code == 204
        issued = api.post(URL, body(workspace), format="json").json()
        response = api.delete(f"{URL}/{issued['id']}")
        assert response.status_code == 409
        assert re.search(r"an[uú]l|cancel", response.json()["error"]["message"].lower())
        assert Invoice.objects.filter(pk=issued["id"]).exists()

    def test_model_refuses_deleting_an_issued_invoice(self, workspace):
        from invoicing.core.errors import Conflict

        invoice = make_invoice(workspace)
        with pytest.raises(Conflict):
            invoice.delete()

    def test_cancel(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        response = api.post(f"{URL}/{data['id']}/cancel",
                            {"reason_code": "04", "reason": "RNC equivocado"}, format="json")
        assert response.status_code == 200
        cancelled = response.json()
        assert cancelled["status"] == "cancelled"
        assert cancelled["document_number"] == data["document_number"]
        assert cancelled["cancellation"]["reason_code"] == "04"
        assert cancelled["cancellation"]["reason"] == "RNC equivocado"
        assert api.post(f"{URL}/{data['id']}/cancel", {"reason_code": "04"},
                        format="json").status_code == 409
        # The number stays used: the next invoice takes the next one.
        assert api.post(URL, body(workspace), format="json").json()["document_number"] \
            == "INV-0002"

    @pytest.mark.parametrize("code", ["00", "11", "4", "", None])
    def test_cancel_needs_a_608_code(self, api, workspace, code):
        data = api.post(URL, body(workspace), format="json").json()
        response = api.post(f"{URL}/{data['id']}/cancel", {"reason_code": code}, format="json")
        assert "reason_code" in error_fields(response)

    def test_cancel_is_refused_once_paid(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        api.post("/api/v1/payments", {"invoice_id": data["id"], "amount": "1.00"},
                 format="json")
        response = api.post(f"{URL}/{data['id']}/cancel", {"reason_code": "04"},
                            format="json")
        assert response.status_code == 409

    def test_cancel_a_draft_is_409(self, api, workspace):
        draft = api.post(URL, body(workspace, status="draft"), format="json").json()
        assert api.post(f"{URL}/{draft['id']}/cancel", {"reason_code": "04"},
                        format="json").status_code == 409


class TestListing:
    @pytest.fixture
    def invoices(self, workspace):
        a, b = customer(workspace, name="Alfa SRL"), customer(workspace, name="Beta SRL")
        one = make_invoice(workspace, contact=a, issue_date=datetime.date(2026, 1, 10),
                           due_date=datetime.date(2026, 1, 20))
        two = make_invoice(workspace, contact=b, issue_date=datetime.date(2026, 2, 10),
                           items=[{"description": "x", "quantity": 1, "unit_price": "5"}])
        three = make_invoice(workspace, contact=b, issue_date=datetime.date(2026, 3, 10),
                             draft=True)
        return one, two, three

    def ids(self, api, **params):
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    def test_default_sort_is_newest_first(self, api, invoices):
        one, two, three = invoices
        assert self.ids(api) == [three.pk, two.pk, one.pk]

    def test_filters(self, api, invoices):
        one, two, three = invoices
        assert self.ids(api, status="draft") == [three.pk]
        assert self.ids(api, **{"filter[status]": "draft"}) == [three.pk]
        assert self.ids(api, contact_id=one.contact_id) == [one.pk]
        assert self.ids(api, issue_date="2026-02-10") == [two.pk]
        assert self.ids(api, issue_date_from="2026-02-01", issue_date_to="2026-02-28") \
            == [two.pk]
        assert self.ids(api, document_subtype_id=one.document_subtype_id, sort="issue_date") \
            == [one.pk, two.pk, three.pk]
        assert self.ids(api, q="alfa") == [one.pk]
        assert self.ids(api, q="INV-0002") == [two.pk]
        assert self.ids(api, overdue="true") == [one.pk, two.pk] or \
            set(self.ids(api, overdue="true")) == {one.pk, two.pk}

    @pytest.mark.parametrize("params", [{"status": "bogus"}, {"issue_date": "yesterday"},
                                        {"contact_id": "x"}, {"overdue": "maybe"},
                                        {"sort": "contact"}])
    def test_invalid_filter_or_sort_is_400(self, api, invoices, params):
        assert error_fields(api.get(URL, params))

    @pytest.mark.parametrize("field", ["issue_date", "document_number", "total_amount",
                                       "due_date", "created_at"])
    def test_sort_fields(self, api, invoices, field):
        up = self.ids(api, sort=field)
        down = self.ids(api, sort=f"-{field}")
        assert len(up) == 3 and sorted(up) == sorted(down)
        if field in ("issue_date", "created_at"):
            assert up == list(reversed(down))

    def test_overdue_is_derived(self, api, workspace):
        late = make_invoice(workspace, issue_date=TODAY() - datetime.timedelta(days=40),
                            due_date=TODAY() - datetime.timedelta(days=10))
        make_invoice(workspace)
        rows = api.get(URL, {"overdue": "true"}).json()["results"]
        assert [r["id"] for r in rows] == [late.pk]
        assert rows[0]["status"] == "pending_payment"


class TestQueryBudgets:
    def _five_lines(self, workspace):
        return [{"description": f"Línea {n}", "quantity": 1, "unit_price": "10",
                 "tax_ids": [tax(workspace, "ITBIS 18%").pk]} for n in range(5)]

    def _count(self, api, url, django_assert_max_num_queries, limit):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as ctx:
            response = api.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def test_list_is_constant_and_at_most_6(self, api, workspace,
                                            django_assert_max_num_queries,
                                            django_capture_on_commit_callbacks):
        from tests.factories import SalesmanFactory

        seller = SalesmanFactory(workspace=workspace)
        api.get(URL)  # the key's first use records last_used_at
        with django_capture_on_commit_callbacks(execute=True):
            make_invoice(workspace, items=self._five_lines(workspace),
                         salesman_ids=[seller.pk])
        one = self._count(api, f"{URL}?per_page=50", django_assert_max_num_queries, 6)
        # The writes commit (as they would between two requests): the list recounts.
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(49):
                invoice = make_invoice(workspace, items=self._five_lines(workspace),
                                       salesman_ids=[seller.pk])
            from invoicing.invoices.payments import payment_record

            payment_record(invoice=invoice, actor=None, amount="1.00")
        fifty = self._count(api, f"{URL}?per_page=50", django_assert_max_num_queries, 6)
        assert one == fifty
        assert api.get(f"{URL}?per_page=50").json()["count"] == 50

    def test_detail_at_most_6(self, api, workspace, django_assert_max_num_queries):
        invoice = make_invoice(workspace, items=self._five_lines(workspace))
        api.get(URL)
        self._count(api, f"{URL}/{invoice.pk}", django_assert_max_num_queries, 6)

    def test_create_costs_the_same_for_1_and_20_lines(self, api, workspace):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        item = product(workspace)
        api.get(URL)

        def create(n):
            items = [{"product_id": item.pk, "quantity": 1} for _ in range(n)]
            with CaptureQueriesContext(connection) as ctx:
                response = api.post(URL, body(workspace, items=items), format="json")
            assert response.status_code == 201
            return len(ctx.captured_queries)

        contact_query_cost = create(1)
        assert create(20) == contact_query_cost


class TestIdempotency:
    def test_create_replays(self, api, workspace):
        data = body(workspace)
        first = api.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
        second = api.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        assert Invoice.objects.count() == 1

    def test_issue_cancel_and_payment_replay(self, api, workspace):
        draft = api.post(URL, body(workspace, status="draft"), format="json").json()
        url = f"{URL}/{draft['id']}/issue"
        assert api.post(url, HTTP_IDEMPOTENCY_KEY="i").status_code == 200
        assert api.post(url, HTTP_IDEMPOTENCY_KEY="i").status_code == 200
        assert api.post(url).status_code == 409
        pay = {"invoice_id": draft["id"], "amount": "10.00"}
        assert api.post("/api/v1/payments", pay, format="json",
                        HTTP_IDEMPOTENCY_KEY="p").status_code == 201
        assert api.post("/api/v1/payments", pay, format="json",
                        HTTP_IDEMPOTENCY_KEY="p").status_code == 201
        assert Invoice.objects.get(pk=draft["id"]).amount_paid == Decimal("10.00")
        other = api.post(URL, body(workspace), format="json").json()
        cancel = {"reason_code": "02"}
        url = f"{URL}/{other['id']}/cancel"
        assert api.post(url, cancel, format="json", HTTP_IDEMPOTENCY_KEY="c").status_code == 200
        assert api.post(url, cancel, format="json", HTTP_IDEMPOTENCY_KEY="c").status_code == 200


def test_create_answers_exactly_what_a_read_answers(api, workspace):
    """The create response is rendered from memory; it must match the stored invoice."""
    from tests.factories import SalesmanFactory
    from workspaces.models import Currency

    zeta = SalesmanFactory(workspace=workspace, name="Zoila")
    alba = SalesmanFactory(workspace=workspace, name="Alba")
    item = product(workspace, price="19.99", taxes=("ITBIS 16%",), tracks_inventory=True)
    usd = Currency.objects.get(workspace=workspace, code="USD")
    from workspaces.services import exchange_rate_set

    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5000"))  # issuing needs one
    created = api.post(URL, body(workspace, currency_id=usd.pk, salesman_ids=[zeta.pk, alba.pk],
                                 items=[{"product_id": item.pk, "quantity": 1.5,
                                         "discount": 10, "discount_type": "percentage"},
                                        {"description": "Flete", "quantity": "2",
                                         "unit_price": 7, "tax_ids": []}]),
                       format="json")
    assert created.status_code == 201
    assert created.json() == api.get(f"{URL}/{created.json()['id']}").json()
    assert [s["name"] for s in created.json()["salesmen"]] == ["Alba", "Zoila"]
