"""Settings pages for document types and taxes: who may see and change, the forms, the
warnings, the query count; and the dashboard panel."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype, Tax
from tests.conftest import make_member
from tests.factories import DocumentSubtypeFactory, InvoiceFactory, ProductFactory
from workspaces.models import Activity
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def member_client(client, workspace):
    def login(role):
        client.force_login(make_member(workspace, role))
        return client
    return login


def b01(workspace) -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")


class TestSubtypeList:
    def test_shows_remaining_expiry_and_warnings(self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(pk=b01(workspace).pk).update(
            range_start=1, range_end=500, next_number=471,
            valid_until=today() + datetime.timedelta(days=20))
        response = logged_in_client.get(reverse("fiscal:subtype_list"),
                                        HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        assert "B0100000001 – B0100000500" in html
        assert "B0100000471" in html
        assert (today() + datetime.timedelta(days=20)).strftime("%d/%m/%Y") in html
        assert 'data-code="ncf_range_expiring"' in html
        assert 'data-code="ncf_range_low"' in html
        assert "Only 30 numbers left" in html
        assert 'data-code="ncf_range_missing"' in html  # B02 has no range yet
        assert reverse("fiscal:subtype_range", args=[b01(workspace).pk]) in html

    def test_a_blocked_series_is_marked_bad(self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(pk=b01(workspace).pk).update(
            range_start=1, range_end=500, valid_until=today() - datetime.timedelta(days=1))
        html = logged_in_client.get(reverse("fiscal:subtype_list")).content.decode()
        row = html.split('data-testid="subtype-B01"')[0].rsplit("<tr", 1)[1]
        assert "row-bad" in row

    def test_seller_may_look_but_sees_no_edit_links(self, member_client, workspace):
        client = member_client(Role.SELLER)
        response = client.get(reverse("fiscal:subtype_list"))
        assert response.status_code == 200
        assert reverse("fiscal:subtype_create") not in response.content.decode()
        assert client.get(reverse("fiscal:subtype_create")).status_code == 403
        assert client.get(reverse("fiscal:subtype_range",
                                  args=[b01(workspace).pk])).status_code == 403
        assert client.post(reverse("fiscal:subtype_range", args=[b01(workspace).pk]),
                           {"range_start": 1, "range_end": 9,
                            "valid_until": "2099-12-31"}).status_code == 403
        assert b01(workspace).range_end is None

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("fiscal:subtype_list"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_same_queries_for_1_and_30_rows(self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(workspace=workspace).exclude(ncf_type="B01").delete()
        url = reverse("fiscal:subtype_list")
        logged_in_client.get(url)
        with CaptureQueriesContext(connection) as one:
            logged_in_client.get(url)
        for n in range(29):
            DocumentSubtypeFactory(workspace=workspace, prefix=f"P{n}-")
        with CaptureQueriesContext(connection) as thirty:
            response = logged_in_client.get(url)
        assert response.content.decode().count('data-testid="subtype-') == 30
        assert len(one) == len(thirty)

    def test_other_workspaces_series_are_not_shown_or_editable(self, logged_in_client,
                                                               other_workspace):
        foreign = DocumentSubtypeFactory(workspace=other_workspace, prefix="OTRA-")
        assert "OTRA-" not in logged_in_client.get(
            reverse("fiscal:subtype_list")).content.decode()
        assert logged_in_client.get(reverse("fiscal:subtype_edit",
                                            args=[foreign.pk])).status_code == 404
        assert logged_in_client.post(reverse("fiscal:subtype_delete",
                                             args=[foreign.pk])).status_code == 404


class TestEnterRange:
    def test_form_offers_31_december_of_next_year(self, logged_in_client, workspace):
        response = logged_in_client.get(reverse("fiscal:subtype_range",
                                                args=[b01(workspace).pk]))
        assert response.status_code == 200
        assert f'value="{today().year + 1}-12-31"' in response.content.decode()

    def test_accountant_enters_a_range(self, member_client, workspace):
        client = member_client(Role.ACCOUNTANT)
        response = client.post(reverse("fiscal:subtype_range", args=[b01(workspace).pk]),
                               {"range_start": 1, "range_end": 500,
                                "valid_until": f"{today().year + 1}-12-31"})
        assert response.status_code == 302
        subtype = b01(workspace)
        assert (subtype.range_start, subtype.next_number, subtype.range_end) == (1, 1, 500)
        assert Activity.objects.filter(target_id=subtype.pk, verb="range_entered").exists()

    def test_colliding_range_shows_the_error_next_to_the_field(self, logged_in_client,
                                                               workspace):
        subtype = b01(workspace)
        DocumentSubtype.objects.filter(pk=subtype.pk).update(
            range_start=1, range_end=10, next_number=4,
            valid_until=today() + datetime.timedelta(days=90))
        for n in (1, 2, 3):
            InvoiceFactory(workspace=workspace, document_subtype=subtype,
                           status="pending_payment", document_number=f"B01{n:08d}")
        response = logged_in_client.post(
            reverse("fiscal:subtype_range", args=[subtype.pk]),
            {"range_start": 2, "range_end": 500, "valid_until": f"{today().year + 1}-12-31"},
            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        form = response.context["form"]
        assert "B0100000003" in form.errors["range_start"][0]
        assert b01(workspace).range_end == 10

    def test_plain_series_have_no_range_page(self, logged_in_client, workspace):
        inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        assert logged_in_client.get(reverse("fiscal:subtype_range",
                                            args=[inv.pk])).status_code == 404


class TestSubtypeForm:
    def test_create_a_plain_series(self, logged_in_client, workspace):
        response = logged_in_client.post(reverse("fiscal:subtype_create"), {
            "name": "Nota de débito interna", "document_type": "debit_note", "ncf_type": "",
            "prefix": "ND-", "padding": 5, "is_active": "on"})
        assert response.status_code == 302, response.context["form"].errors
        created = DocumentSubtype.objects.get(workspace=workspace, prefix="ND-")
        assert created.format_number(created.next_number) == "ND-00001"

    def test_create_a_fiscal_series_with_range_and_default_expiry(self, logged_in_client,
                                                                  workspace):
        response = logged_in_client.post(reverse("fiscal:subtype_create"), {
            "name": "Exportaciones", "document_type": "invoice", "ncf_type": "B16",
            "range_start": 1, "range_end": 100, "is_active": "on"})
        assert response.status_code == 302, response.context["form"].errors
        created = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B16")
        assert created.valid_until == datetime.date(today().year + 1, 12, 31)
        assert created.padding == 8 and created.prefix == ""

    def test_rule_errors_land_on_their_field(self, logged_in_client):
        response = logged_in_client.post(reverse("fiscal:subtype_create"), {
            "name": "Mal", "document_type": "invoice", "ncf_type": "B04", "is_active": "on"})
        assert response.status_code == 200
        assert "ncf_type" in response.context["form"].errors

    def test_edit_changes_only_what_changed(self, logged_in_client, workspace):
        inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        url = reverse("fiscal:subtype_edit", args=[inv.pk])
        assert logged_in_client.get(url).status_code == 200
        response = logged_in_client.post(url, {
            "name": "Factura interna", "document_type": "invoice", "ncf_type": "",
            "prefix": "INV-", "padding": 4, "next_number": 1, "is_active": "on"})
        assert response.status_code == 302
        inv.refresh_from_db()
        assert inv.name == "Factura interna"

    def test_delete_unused_and_refuse_used(self, logged_in_client, workspace):
        b14 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B14")
        response = logged_in_client.post(reverse("fiscal:subtype_delete", args=[b14.pk]))
        assert response.status_code == 302
        assert not DocumentSubtype.objects.filter(pk=b14.pk).exists()
        inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        InvoiceFactory(workspace=workspace, document_subtype=inv)
        response = logged_in_client.post(reverse("fiscal:subtype_delete", args=[inv.pk]),
                                         follow=True)
        assert DocumentSubtype.objects.filter(pk=inv.pk).exists()
        assert "desactív" in response.content.decode()  # "deactivate it instead"


class TestTaxPages:
    def test_list(self, logged_in_client):
        response = logged_in_client.get(reverse("fiscal:tax_list"))
        assert response.status_code == 200
        html = response.content.decode()
        for name in ("ITBIS 18%", "ITBIS 16%", "Exento", "Propina legal 10%"):
            assert name in html

    def test_create_and_edit(self, logged_in_client, workspace):
        response = logged_in_client.post(reverse("fiscal:tax_create"), {
            "name": "ISC Telecomunicaciones", "kind": "isc", "rate": "10", "is_active": "on"})
        assert response.status_code == 302
        tax = Tax.objects.get(workspace=workspace, name="ISC Telecomunicaciones")
        response = logged_in_client.post(reverse("fiscal:tax_edit", args=[tax.pk]), {
            "name": "ISC Telecomunicaciones", "kind": "isc", "rate": "12.5"})
        assert response.status_code == 302
        tax.refresh_from_db()
        assert (tax.rate, tax.is_active) == (Decimal("12.50"), False)

    def test_exempt_with_a_rate_is_refused_on_the_field(self, logged_in_client):
        response = logged_in_client.post(reverse("fiscal:tax_create"), {
            "name": "Exento 2", "kind": "exempt", "rate": "5", "is_active": "on"})
        assert response.status_code == 200
        assert "rate" in response.context["form"].errors

    def test_used_tax_is_not_deleted(self, logged_in_client, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        ProductFactory(workspace=workspace).taxes.add(tax)
        response = logged_in_client.post(reverse("fiscal:tax_delete", args=[tax.pk]),
                                         follow=True)
        assert Tax.objects.filter(pk=tax.pk).exists()
        assert "desactív" in response.content.decode()  # "deactivate it instead"

    def test_seller_may_not_change_taxes(self, member_client, workspace):
        client = member_client(Role.SELLER)
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        assert client.get(reverse("fiscal:tax_list")).status_code == 200
        assert client.post(reverse("fiscal:tax_edit", args=[tax.pk]),
                           {"name": "x", "kind": "isc", "rate": "1"}).status_code == 403
        assert client.post(reverse("fiscal:tax_delete", args=[tax.pk])).status_code == 403
        assert Tax.objects.get(pk=tax.pk).name == "ITBIS 18%"


class TestDashboardPanel:
    def test_a_new_workspace_is_told_to_enter_its_ranges_in_one_line(self, logged_in_client):
        html = logged_in_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-testid="fiscal-panel"' in html
        assert html.count('data-code="ncf_range_missing"') == 1
        assert "B01, B02, B03, B04, B14, B15" in html
        assert "E32" not in html  # the e-CF series wait until the workspace enters one

    def test_once_an_ecf_range_is_entered_the_other_ecf_series_are_named(
            self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(workspace=workspace, ncf_type="E31").update(
            range_start=1, range_end=500, valid_until=today() + datetime.timedelta(days=300))
        html = logged_in_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert html.count('data-code="ncf_range_missing"') == 1
        assert "B15, E32, E33, E34, E44, E45, E46" in html

    def test_expiring_ranges_are_shown(self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(workspace=workspace, ncf_type__isnull=False).update(
            range_start=1, range_end=500, valid_until=today() + datetime.timedelta(days=5))
        html = logged_in_client.get("/").content.decode()
        # The 13 default fiscal series (API.md): B01–B04, B14, B15 and E31–E34, E44–E46.
        assert html.count('data-code="ncf_range_expiring"') == 13

    def test_no_panel_when_all_is_well(self, logged_in_client, workspace):
        DocumentSubtype.objects.filter(workspace=workspace, ncf_type__isnull=False).update(
            range_start=1, range_end=500, valid_until=today() + datetime.timedelta(days=300))
        html = logged_in_client.get("/").content.decode()
        assert 'data-testid="fiscal-panel"' not in html
