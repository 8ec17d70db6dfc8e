"""Every rule of /api/v1/quotations (API.md, issue 7), through the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.invoices.models import Invoice, InvoiceStatus
from invoicing.quotations.models import Quotation, QuotationLine, QuotationStatus
from tests.conftest import make_member
from tests.factories import SalesmanFactory
from tests.invoices.helpers import customer, fiscal_subtype, plain_subtype, product, tax
from tests.quotations.helpers import make_quotation, one_line, quotation_subtype
from workspaces.models import Activity, Currency
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
URL = "/api/v1/quotations"
TODAY = timezone.localdate


def body(workspace, **overrides):
    data = {
        "contact_id": overrides.pop("contact", None) or customer(workspace).pk,
        "items": [{"description": "Diseño de logotipo", "quantity": "2", "unit_price": "500.00",
                   "tax_ids": [tax(workspace, "ITBIS 18%").pk]}],
    }
    data.update(overrides)
    return data


def error(response, status):
    assert response.status_code == status, response.content
    return response.json()["error"]


def lapse(quotation, days=1):
    """Move a quotation's validity into the past, as time would (the periodic task has not
    run yet)."""
    Quotation.objects.filter(pk=quotation.pk).update(
        issue_date=TODAY() - datetime.timedelta(days=days + 15),
        valid_until=TODAY() - datetime.timedelta(days=days))


def session_client(workspace, role):
    """A staff member's browser session (API keys act with the admin role)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(make_member(workspace, role))
    return client


def verbs(target):
    return list(Activity.objects.filter(target_type=target._meta.label_lower,
                                        target_id=target.pk).order_by("id")
                .values_list("verb", flat=True))


class TestCreate:
    def test_numbered_from_the_quotation_series_when_created(self, api, workspace):
        first = api.post(URL, body(workspace), format="json")
        second = api.post(URL, body(workspace), format="json")
        assert first.status_code == 201, first.content
        assert (first.json()["document_number"], second.json()["document_number"]) == (
            "COT-0001", "COT-0002")
        assert first.json()["status"] == "draft"
        assert first.json()["document_subtype_id"] == quotation_subtype(workspace).pk
        quotation_subtype(workspace).refresh_from_db()
        assert quotation_subtype(workspace).next_number == 3

    def test_fields_and_totals_mirror_the_invoice(self, api, workspace):
        seller = SalesmanFactory(workspace=workspace, name="María Fernández")
        data = api.post(URL, body(workspace, payment_term="50% adelanto", notes="Gracias",
                                  salesman_ids=[seller.pk]), format="json").json()
        assert (data["subtotal_amount"], data["discount_amount"], data["tax_amount"],
                data["total_amount"]) == ("1000.00", "0.00", "180.00", "1180.00")
        assert data["currency"] == "DOP" and data["exchange_rate"] == "1.0000"
        assert data["payment_term"] == "50% adelanto" and data["notes"] == "Gracias"
        assert data["salesman_ids"] == [seller.pk]
        assert data["salesmen"] == [{"id": seller.pk, "name": "María Fernández"}]
        assert data["invoice_id"] is None and data["invoice_number"] is None
        item = data["items"][0]
        assert item["quantity"] == "2.0000" and item["tax_ids"] == [tax(workspace,
                                                                         "ITBIS 18%").pk]
        assert (item["subtotal"], item["tax_amount"], item["total"]) == ("1000.00", "180.00",
                                                                        "1180.00")
        assert set(data) >= {"contact", "issue_date", "valid_until", "created_at",
                             "updated_at", "workspace_id"}

    def test_product_defaults_like_an_invoice(self, api, workspace):
        sold = product(workspace, price="250.00", taxes=("ITBIS 16%",), name="Arroz 10 lb")
        data = api.post(URL, body(workspace, items=[{"product_id": sold.pk, "quantity": 4}]),
                        format="json").json()
        item = data["items"][0]
        assert item["description"] == "Arroz 10 lb" and item["unit_price"] == "250.00"
        assert item["tax_ids"] == [tax(workspace, "ITBIS 16%").pk]
        assert data["total_amount"] == "1160.00"

    def test_valid_until_defaults_to_the_workspace_validity(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        assert data["issue_date"] == TODAY().isoformat()
        assert data["valid_until"] == (TODAY() + datetime.timedelta(days=15)).isoformat()
        workspace.quotation_validity_days = 30
        workspace.save()
        issue = TODAY() - datetime.timedelta(days=2)
        data = api.post(URL, body(workspace, issue_date=issue.isoformat()),
                        format="json").json()
        assert data["valid_until"] == (issue + datetime.timedelta(days=30)).isoformat()

    def test_explicit_valid_until(self, api, workspace):
        until = TODAY() + datetime.timedelta(days=45)
        data = api.post(URL, body(workspace, valid_until=until.isoformat()),
                        format="json").json()
        assert data["valid_until"] == until.isoformat()

    def test_valid_until_before_issue_date_is_400(self, api, workspace):
        response = api.post(URL, body(workspace, issue_date=(TODAY() + datetime.timedelta(
            days=10)).isoformat(), valid_until=(TODAY() + datetime.timedelta(days=5))
            .isoformat()), format="json")
        assert "valid_until" in error(response, 400)["fields"]
        assert not Quotation.objects.exists()

    def test_valid_until_in_the_past_is_400(self, api, workspace):
        response = api.post(URL, body(workspace, issue_date=(TODAY() - datetime.timedelta(
            days=40)).isoformat()), format="json")
        assert "valid_until" in error(response, 400)["fields"]
        assert quotation_subtype(workspace).next_number == 1  # no number taken

    def test_an_invoice_series_does_not_number_quotations(self, api, workspace):
        response = api.post(URL, body(workspace,
                                      document_subtype_id=plain_subtype(workspace).pk),
                            format="json")
        assert "document_subtype_id" in error(response, 400)["fields"]

    def test_foreign_ids_are_not_found(self, api, workspace, other_workspace):
        foreign = customer(other_workspace)
        response = api.post(URL, body(workspace, contact=foreign.pk), format="json")
        assert "contact_id" in error(response, 400)["fields"]
        foreign_tax = tax(other_workspace, "ITBIS 18%")
        response = api.post(URL, body(workspace, items=[
            {"description": "x", "quantity": 1, "unit_price": 1, "tax_ids": [foreign_tax.pk]}]),
            format="json")
        assert "items.0.tax_ids" in error(response, 400)["fields"]
        response = api.post(URL, body(workspace, document_subtype_id=quotation_subtype(
            other_workspace).pk), format="json")
        assert "document_subtype_id" in error(response, 400)["fields"]
        assert not Quotation.objects.filter(workspace=workspace).exists()

    def test_line_errors_name_the_line(self, api, workspace):
        response = api.post(URL, body(workspace, items=[
            {"description": "ok", "quantity": 1, "unit_price": 10},
            {"description": "bad", "quantity": 1, "unit_price": 10, "discount": 11}]),
            format="json")
        assert "items.1.discount" in error(response, 400)["fields"]
        response = api.post(URL, body(workspace, items=[]), format="json")
        assert "items" in error(response, 400)["fields"]

    def test_itbis_and_exempt_on_one_line_is_400(self, api, workspace):
        response = api.post(URL, body(workspace, items=[
            {"description": "x", "quantity": 1, "unit_price": 10,
             "tax_ids": [tax(workspace, "ITBIS 18%").pk, tax(workspace, "Exento").pk]}]),
            format="json")
        assert "items.0.tax_ids" in error(response, 400)["fields"]

    def test_an_inactive_series_refuses_with_409(self, api, workspace):
        series = quotation_subtype(workspace)
        response = api.post(URL, body(workspace, document_subtype_id=series.pk),
                            format="json")
        assert response.status_code == 201
        series.is_active = False
        series.save()
        response = api.post(URL, body(workspace, document_subtype_id=series.pk),
                            format="json")
        assert error(response, 409)["code"] == "subtype_inactive"
        # Without an explicit series there is no active one left to default to.
        assert "document_subtype_id" in error(api.post(URL, body(workspace), format="json"),
                                              400)["fields"]

    def test_creation_is_in_the_activity_log(self, api, workspace):
        data = api.post(URL, body(workspace), format="json").json()
        assert verbs(Quotation.objects.get(pk=data["id"])) == ["created"]

    def test_viewer_cannot_create(self, workspace):
        client = session_client(workspace, Role.VIEWER)
        assert client.post(URL, body(workspace), format="json").status_code == 403
        assert client.get(URL).status_code == 200


class TestListAndDetail:
    def test_detail(self, api, workspace):
        quotation = make_quotation(workspace)
        data = api.get(f"{URL}/{quotation.pk}").json()
        assert data["id"] == quotation.pk and data["document_number"] == "COT-0001"
        assert data["contact"]["name"] == quotation.contact.name

    def test_filters(self, api, workspace):
        alfa = customer(workspace, name="Alfa Comercial SRL")
        first = make_quotation(workspace, contact=alfa,
                               issue_date=TODAY() - datetime.timedelta(days=5))
        second = make_quotation(workspace, status="sent")
        third = make_quotation(workspace, status="accepted")

        def ids(**params):
            response = api.get(URL, params)
            assert response.status_code == 200, response.content
            return {row["id"] for row in response.json()["results"]}

        assert ids(status="sent") == {second.pk}
        assert ids(**{"filter[status]": "accepted"}) == {third.pk}
        assert ids(contact_id=alfa.pk) == {first.pk}
        assert ids(q="alfa") == {first.pk}
        assert ids(q="COT-0002") == {second.pk}
        assert ids(issue_date_to=(TODAY() - datetime.timedelta(days=1)).isoformat()) == {
            first.pk}
        assert ids(issue_date_from=TODAY().isoformat()) == {second.pk, third.pk}
        assert api.get(URL, {"status": "paid"}).status_code == 400
        assert api.get(URL, {"issue_date_from": "yesterday"}).status_code == 400

    def test_sort(self, api, workspace):
        cheap = make_quotation(workspace, items=one_line(workspace, price="10.00"))
        dear = make_quotation(workspace, items=one_line(workspace, price="99.00"))
        rows = api.get(URL, {"sort": "-total_amount"}).json()["results"]
        assert [row["id"] for row in rows] == [dear.pk, cheap.pk]
        rows = api.get(URL, {"sort": "document_number"}).json()["results"]
        assert [row["document_number"] for row in rows] == ["COT-0001", "COT-0002"]
        assert api.get(URL, {"sort": "contact_id"}).status_code == 400

    def test_list_queries_do_not_grow_with_rows(self, api, workspace,
                                                django_assert_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        seller = SalesmanFactory(workspace=workspace)
        make_quotation(workspace, salesman_ids=[seller.pk], status="invoiced")
        api.get(URL)  # warm-up: the key's first use writes last_used_at
        with CaptureQueriesContext(connection) as one:
            assert len(api.get(URL, {"per_page": 100}).json()["results"]) == 1
        for index in range(29):
            make_quotation(workspace, salesman_ids=[seller.pk],
                           items=one_line(workspace) * (1 + index % 3),
                           status="invoiced" if index % 2 else None)
        with CaptureQueriesContext(connection) as thirty:
            assert len(api.get(URL, {"per_page": 100}).json()["results"]) == 30
        assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]


class TestUpdate:
    def test_draft_and_sent_can_change(self, api, workspace):
        quotation = make_quotation(workspace)
        response = api.patch(f"{URL}/{quotation.pk}", {"notes": "Entrega en 5 días"},
                             format="json")
        assert response.status_code == 200 and response.json()["notes"] == "Entrega en 5 días"
        assert api.post(f"{URL}/{quotation.pk}/send").status_code == 202
        response = api.patch(f"{URL}/{quotation.pk}", {"items": [
            {"description": "Nuevo", "quantity": 3, "unit_price": "100.00"}]}, format="json")
        data = response.json()
        assert response.status_code == 200 and data["status"] == "sent"
        assert [i["description"] for i in data["items"]] == ["Nuevo"]
        assert data["total_amount"] == "300.00" and data["document_number"] == "COT-0001"
        assert QuotationLine.objects.filter(quotation=quotation).count() == 1
        assert verbs(quotation) == ["created", "updated", "sent", "link_created",
                                    "email_queued", "updated"]

    def test_put_replaces_the_header(self, api, workspace):
        quotation = make_quotation(workspace)
        usd = Currency.objects.get(workspace=workspace, code="USD")
        other = customer(workspace)
        response = api.put(f"{URL}/{quotation.pk}", body(workspace, contact=other.pk,
                                                         currency_id=usd.pk), format="json")
        data = response.json()
        assert response.status_code == 200, response.content
        assert data["contact_id"] == other.pk and data["currency"] == "USD"

    def test_new_issue_date_after_validity_takes_the_default_span(self, api, workspace):
        quotation = make_quotation(workspace)
        later = TODAY() + datetime.timedelta(days=20)
        data = api.patch(f"{URL}/{quotation.pk}", {"issue_date": later.isoformat()},
                         format="json").json()
        assert data["valid_until"] == (later + datetime.timedelta(days=15)).isoformat()
        response = api.patch(f"{URL}/{quotation.pk}", {
            "valid_until": (later - datetime.timedelta(days=1)).isoformat()}, format="json")
        assert "valid_until" in error(response, 400)["fields"]

    @pytest.mark.parametrize("status", ["accepted", "rejected", "invoiced"])
    def test_closed_quotations_cannot_change(self, api, workspace, status):
        quotation = make_quotation(workspace, status=status)
        response = api.patch(f"{URL}/{quotation.pk}", {"notes": "x"}, format="json")
        assert error(response, 409)["code"] == f"quotation_{status}"
        quotation.refresh_from_db()
        assert quotation.notes == ""

    def test_expired_cannot_change(self, api, workspace):
        quotation = make_quotation(workspace, status="sent")
        lapse(quotation)
        # Past valid_until but not yet marked: already refused as expired.
        response = api.patch(f"{URL}/{quotation.pk}", {"notes": "x"}, format="json")
        assert error(response, 409)["code"] == "quotation_expired"
        from invoicing.quotations.services import quotations_expire_due

        assert quotations_expire_due() == 1
        response = api.patch(f"{URL}/{quotation.pk}", {"notes": "x"}, format="json")
        assert error(response, 409)["code"] == "quotation_expired"

    def test_the_series_never_changes(self, api, workspace):
        from tests.factories import DocumentSubtypeFactory

        quotation = make_quotation(workspace)
        other = DocumentSubtypeFactory(workspace=workspace, document_type="quotation",
                                       prefix="PRO-", name="Proforma")
        response = api.patch(f"{URL}/{quotation.pk}", {"document_subtype_id": other.pk},
                             format="json")
        assert error(response, 409)["fields"] == {"document_subtype_id": [
            response.json()["error"]["message"]]}
        same = api.patch(f"{URL}/{quotation.pk}",
                         {"document_subtype_id": quotation.document_subtype_id}, format="json")
        assert same.status_code == 200

    def test_bad_lines_change_nothing(self, api, workspace):
        quotation = make_quotation(workspace)
        response = api.patch(f"{URL}/{quotation.pk}", {"items": [
            {"description": "bad", "quantity": 0, "unit_price": 1}]}, format="json")
        assert "items.0.quantity" in error(response, 400)["fields"]
        assert quotation.lines.get().description == "Consultoría"


class TestDelete:
    def test_a_draft_is_deleted(self, api, workspace):
        quotation = make_quotation(workspace)
        assert api.delete(f"{URL}/{quotation.pk}").status_code == 204
        assert not Quotation.objects.filter(pk=quotation.pk).exists()
        assert Activity.objects.filter(verb="deleted", target_id=quotation.pk,
                                       target_type="quotations.quotation").exists()

    @pytest.mark.parametrize("status", ["sent", "accepted", "rejected", "invoiced"])
    def test_others_are_kept(self, api, workspace, status):
        quotation = make_quotation(workspace, status=status)
        error(api.delete(f"{URL}/{quotation.pk}"), 409)
        assert Quotation.objects.filter(pk=quotation.pk).exists()


class TestTransitions:
    def test_draft_sent_accepted(self, api, workspace):
        """API.md: `POST /quotations/{id}/send` emails it (202, like an invoice's send) and
        that is what makes a draft `sent`."""
        quotation = make_quotation(workspace)
        response = api.post(f"{URL}/{quotation.pk}/send", {"message": "Saludos"},
                            format="json")
        assert response.status_code == 202 and response.json()["status"] == "queued"
        assert api.get(f"{URL}/{quotation.pk}").json()["status"] == "sent"
        assert api.post(f"{URL}/{quotation.pk}/accept").json()["status"] == "accepted"
        assert verbs(quotation) == ["created", "sent", "link_created", "email_queued",
                                    "accepted"]

    @pytest.mark.parametrize("status", ["sent", "accepted"])
    def test_a_sent_or_accepted_one_goes_again_and_keeps_its_status(self, api, workspace,
                                                                    status):
        quotation = make_quotation(workspace, status=status)
        assert api.post(f"{URL}/{quotation.pk}/send", {}, format="json").status_code == 202
        assert api.get(f"{URL}/{quotation.pk}").json()["status"] == status
        assert verbs(quotation).count("sent") == 1

    def test_sending_without_any_address_changes_nothing(self, api, workspace):
        quotation = make_quotation(workspace, contact=customer(workspace, email=""))
        response = api.post(f"{URL}/{quotation.pk}/send", {}, format="json")
        assert response.status_code == 400 and "to" in response.json()["error"]["fields"]
        quotation.refresh_from_db()
        assert quotation.status == "draft" and verbs(quotation) == ["created"]

    def test_there_is_no_email_route(self, api, workspace):
        quotation = make_quotation(workspace)
        assert api.post(f"{URL}/{quotation.pk}/email", {}, format="json").status_code == 404

    def test_sent_rejected_with_a_reason(self, api, workspace):
        quotation = make_quotation(workspace, status="sent")
        response = api.post(f"{URL}/{quotation.pk}/reject", {"reason": "Precio alto"},
                            format="json")
        assert response.json()["status"] == "rejected"
        entry = Activity.objects.filter(target_id=quotation.pk, verb="rejected").get()
        assert "Precio alto" in entry.description and entry.data == {"reason": "Precio alto"}

    @pytest.mark.parametrize(("status", "action", "code"), [
        ("draft", "accept", "quotation_invalid_transition"),
        ("draft", "reject", "quotation_invalid_transition"),
        ("accepted", "accept", "quotation_accepted"),
        ("accepted", "reject", "quotation_accepted"),
        ("rejected", "accept", "quotation_rejected"),
        ("rejected", "send", "quotation_rejected"),
        ("rejected", "reject", "quotation_rejected"),
        ("invoiced", "send", "quotation_invoiced"),
        ("invoiced", "accept", "quotation_invoiced"),
        ("invoiced", "reject", "quotation_invoiced"),
    ])
    def test_other_transitions_are_409(self, api, workspace, status, action, code):
        quotation = make_quotation(workspace, status=status)
        before = list(verbs(quotation))
        assert error(api.post(f"{URL}/{quotation.pk}/{action}"), 409)["code"] == code
        quotation.refresh_from_db()
        assert quotation.status == status and verbs(quotation) == before

    @pytest.mark.parametrize("action", ["send", "accept", "reject"])
    def test_nothing_moves_once_expired(self, api, workspace, action):
        quotation = make_quotation(workspace, status="draft" if action == "send" else "sent")
        lapse(quotation)
        assert error(api.post(f"{URL}/{quotation.pk}/{action}"), 409)["code"] == \
            "quotation_expired"

    def test_viewer_cannot_act(self, workspace):
        quotation = make_quotation(workspace)
        client = session_client(workspace, Role.VIEWER)
        for action in ("send", "accept", "reject", "convert"):
            assert client.post(f"{URL}/{quotation.pk}/{action}", {},
                               format="json").status_code == 403
        assert client.get(f"{URL}/{quotation.pk}").status_code == 200


class TestConvert:
    def convert(self, api, quotation, **extra):
        data = {"document_subtype_id": plain_subtype(quotation.workspace).pk, **extra}
        return api.post(f"{URL}/{quotation.pk}/convert", data, format="json")

    @pytest.mark.parametrize("status", ["draft", "sent", "accepted"])
    def test_convertible_states(self, api, workspace, status):
        quotation = make_quotation(workspace, status=status)
        response = self.convert(api, quotation)
        assert response.status_code == 201, response.content
        invoice = response.json()
        assert invoice["document_number"] == "INV-0001"
        assert invoice["status"] == "pending_payment"
        assert invoice["quotation_id"] == quotation.pk
        quotation.refresh_from_db()
        assert quotation.status == "invoiced" and quotation.invoice_id == invoice["id"]

    def test_the_invoice_is_rendered_like_the_invoice_api(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        converted = self.convert(api, quotation).json()
        assert api.get(f"/api/v1/invoices/{converted['id']}").json() == converted
        listed = api.get("/api/v1/invoices").json()["results"]
        assert listed[0]["quotation_id"] == quotation.pk
        data = api.get(f"{URL}/{quotation.pk}").json()
        assert data["status"] == "invoiced" and data["invoice_id"] == converted["id"]
        assert data["invoice_number"] == "INV-0001"

    def test_same_lines_contact_currency_salesmen_terms(self, api, workspace):
        sellers = [SalesmanFactory(workspace=workspace, name=n) for n in ("Ana", "Luis")]
        usd = Currency.objects.get(workspace=workspace, code="USD")
        from workspaces.services import exchange_rate_set

        exchange_rate_set(currency=usd, actor=None, rate=Decimal("60.5000"))  # to issue in USD
        sold = product(workspace, price="80.00", taxes=("ITBIS 18%",), name="Tóner")
        quotation = make_quotation(
            workspace, status="accepted", currency_id=usd.pk, payment_term="Neto 15",
            notes="Precios en dólares", salesman_ids=[s.pk for s in sellers],
            items=[{"product_id": sold.pk, "quantity": "3", "discount": "10",
                    "discount_type": "percentage"},
                   {"description": "Servicio técnico", "quantity": "1.5",
                    "unit_price": "40.00", "discount": "5.00",
                    "tax_ids": [tax(workspace, "ITBIS 16%").pk]}])
        invoice = self.convert(api, quotation).json()
        assert invoice["contact_id"] == quotation.contact_id
        assert invoice["currency"] == "USD" and invoice["payment_term"] == "Neto 15"
        assert invoice["notes"] == "Precios en dólares"
        assert sorted(invoice["salesman_ids"]) == sorted(s.pk for s in sellers)
        quoted = api.get(f"{URL}/{quotation.pk}").json()["items"]
        keys = ("product_id", "description", "quantity", "unit_price", "discount",
                "discount_type", "tax_ids", "subtotal", "discount_amount", "tax_amount",
                "total")
        assert [{k: i[k] for k in keys} for i in invoice["items"]] == \
            [{k: i[k] for k in keys} for i in quoted]

    def test_dates(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        issue = TODAY() - datetime.timedelta(days=1)  # never in the future (issued document)
        due = issue + datetime.timedelta(days=30)
        invoice = self.convert(api, quotation, issue_date=issue.isoformat(),
                               due_date=due.isoformat()).json()
        assert (invoice["issue_date"], invoice["due_date"]) == (issue.isoformat(),
                                                                due.isoformat())

    def test_default_due_date_follows_the_contact(self, api, workspace):
        quotation = make_quotation(workspace, contact=customer(workspace,
                                                               payment_terms_days=30))
        invoice = self.convert(api, quotation).json()
        assert invoice["due_date"] == (TODAY() + datetime.timedelta(days=30)).isoformat()

    def test_a_second_conversion_is_409(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        assert self.convert(api, quotation).status_code == 201
        second = self.convert(api, quotation)
        assert error(second, 409)["code"] == "quotation_invoiced"
        assert "INV-0001" in second.json()["error"]["message"]
        assert Invoice.objects.count() == 1
        assert plain_subtype(workspace).next_number == 2

    @pytest.mark.parametrize("status", ["rejected", "expired"])
    def test_rejected_and_expired_do_not_convert(self, api, workspace, status):
        quotation = make_quotation(workspace, status="rejected" if status == "rejected"
                                   else "sent")
        if status == "expired":
            lapse(quotation)
            from invoicing.quotations.services import quotations_expire_due

            quotations_expire_due()
        assert error(self.convert(api, quotation), 409)["code"] == f"quotation_{status}"
        assert not Invoice.objects.exists()

    def test_a_lapsed_open_quotation_does_not_convert_before_the_task_runs(self, api,
                                                                          workspace):
        quotation = make_quotation(workspace, status="sent")
        lapse(quotation)
        assert error(self.convert(api, quotation), 409)["code"] == "quotation_expired"

    def test_an_accepted_quotation_converts_after_its_validity(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        lapse(quotation)
        assert self.convert(api, quotation).status_code == 201

    def test_the_subtype_must_number_invoices(self, api, workspace, other_workspace):
        quotation = make_quotation(workspace, status="accepted")
        response = self.convert(api, quotation,
                                document_subtype_id=quotation_subtype(workspace).pk)
        assert "document_subtype_id" in error(response, 400)["fields"]
        response = self.convert(api, quotation,
                                document_subtype_id=plain_subtype(other_workspace).pk)
        assert "document_subtype_id" in error(response, 400)["fields"]
        assert "document_subtype_id" in error(
            api.post(f"{URL}/{quotation.pk}/convert", {}, format="json"), 400)["fields"]
        quotation.refresh_from_db()
        assert quotation.status == "accepted" and not Invoice.objects.exists()

    def test_a_refused_invoice_leaves_the_quotation_as_it_was(self, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        anonymous = customer(workspace, tax_id_type="none", tax_id="")
        quotation = make_quotation(workspace, contact=anonymous, status="accepted")
        response = self.convert(api, quotation, document_subtype_id=b01.pk)
        assert "contact_id" in error(response, 400)["fields"]
        quotation.refresh_from_db()
        b01.refresh_from_db()
        assert quotation.status == "accepted" and quotation.invoice_id is None
        assert b01.next_number == 1 and not Invoice.objects.exists()
        assert "converted" not in verbs(quotation)

    def test_fiscal_conversion_takes_the_ncf(self, api, workspace):
        b01 = fiscal_subtype(workspace, "B01")
        quotation = make_quotation(workspace, status="accepted")
        invoice = self.convert(api, quotation, document_subtype_id=b01.pk).json()
        assert invoice["document_number"] == "B0100000001"

    def test_an_inactive_product_is_named_by_its_line(self, api, workspace):
        sold = product(workspace)
        quotation = make_quotation(workspace, status="accepted", items=[
            {"description": "a", "quantity": 1, "unit_price": 1},
            {"product_id": sold.pk, "quantity": 1}])
        sold.is_active = False
        sold.save()
        assert "items.1.product_id" in error(self.convert(api, quotation), 400)["fields"]
        quotation.refresh_from_db()
        assert quotation.status == "accepted"

    def test_activity_on_both_documents(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        invoice = Invoice.objects.get(pk=self.convert(api, quotation).json()["id"])
        assert verbs(quotation) == ["created", "sent", "accepted", "converted"]
        assert verbs(invoice) == ["issued", "created_from_quotation"]
        entry = Activity.objects.get(verb="converted")
        assert entry.data["invoice_number"] == "INV-0001"
        assert entry.data["from_status"] == "accepted"

    def test_idempotency_key_replays_the_conversion(self, api, workspace):
        quotation = make_quotation(workspace, status="accepted")
        first = api.post(f"{URL}/{quotation.pk}/convert",
                         {"document_subtype_id": plain_subtype(workspace).pk}, format="json",
                         HTTP_IDEMPOTENCY_KEY="convert-1")
        again = api.post(f"{URL}/{quotation.pk}/convert",
                         {"document_subtype_id": plain_subtype(workspace).pk}, format="json",
                         HTTP_IDEMPOTENCY_KEY="convert-1")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json() and Invoice.objects.count() == 1

    def test_stock_follows_the_converted_invoice(self, api, workspace,
                                                 django_capture_on_commit_callbacks):
        from invoicing.products.models import StockMovement

        stocked = product(workspace, tracks_inventory=True)
        quotation = make_quotation(workspace, items=[{"product_id": stocked.pk,
                                                      "quantity": "4"}])
        assert not StockMovement.objects.exists()  # a quotation moves no stock
        with django_capture_on_commit_callbacks(execute=True):
            invoice_id = self.convert(api, quotation).json()["id"]
        movement = StockMovement.objects.get()
        assert (movement.invoice_id, movement.quantity, movement.kind) == (
            invoice_id, Decimal("-4"), "sale")
        invoice = Invoice.objects.get(pk=invoice_id)
        assert invoice.status == InvoiceStatus.PENDING_PAYMENT


class TestPdf:
    def test_pdf_download(self, api, workspace):
        quotation = make_quotation(workspace)
        response = api.get(f"{URL}/{quotation.pk}/pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="COT-0001.pdf"' in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF-")
        inline = api.get(f"{URL}/{quotation.pk}/pdf", {"inline": "1"})
        assert inline["Content-Disposition"].startswith("inline")

    def test_pdf_prints_the_quotation_to_the_cent(self, api, workspace):
        import re
        import subprocess

        from tests.quotations.helpers import mixed_items

        quotation = make_quotation(workspace, items=mixed_items(workspace))
        content = api.get(f"{URL}/{quotation.pk}/pdf").content
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content,
                              check=True, capture_output=True).stdout.decode()
        text = re.sub(r"\s+", " ", text)
        assert "Cotización" in text and "COT-0001" in text
        assert quotation.valid_until.strftime("%d/%m/%Y") in text
        for amount in ("RD$7,387.85", "RD$607.50", "RD$175.90", "RD$87.50", "RD$208.86"):
            assert amount in text, amount


def test_status_values_are_the_contract():
    assert set(QuotationStatus.values) == {"draft", "sent", "accepted", "rejected", "expired",
                                           "invoiced"}
