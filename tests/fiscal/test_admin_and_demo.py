"""Admin (through the services, with the workspace filter) and the demo data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from invoicing.fiscal import demo
from invoicing.fiscal.models import DocumentSubtype, Tax
from invoicing.fiscal.numbering import allocate_number
from tests.factories import ProductFactory, UserFactory
from workspaces.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


class TestAdmin:
    def test_changelists_have_the_workspace_filter(self, admin_client, workspace,
                                                   other_workspace):
        for name in ("tax", "documentsubtype"):
            url = reverse(f"admin:fiscal_{name}_changelist")
            response = admin_client.get(url)
            assert response.status_code == 200
            assert "workspace__id__exact" in response.content.decode()
            filtered = admin_client.get(url, {"workspace__id__exact": workspace.pk})
            assert filtered.status_code == 200
            assert all(obj.workspace_id == workspace.pk
                       for obj in filtered.context["cl"].result_list)

    def test_adding_a_tax_goes_through_the_service(self, admin_client, workspace):
        response = admin_client.post(reverse("admin:fiscal_tax_add"), {
            "workspace": workspace.pk, "name": "ISC Seguros", "kind": "isc", "rate": "16",
            "is_active": "on"})
        assert response.status_code == 302, response.context["adminform"].form.errors
        tax = Tax.objects.get(workspace=workspace, name="ISC Seguros")
        assert Activity.objects.filter(target_type="fiscal.tax", target_id=tax.pk,
                                       verb="created").count() == 1

    def test_service_errors_land_on_the_field(self, admin_client, workspace):
        response = admin_client.post(reverse("admin:fiscal_tax_add"), {
            "workspace": workspace.pk, "name": "Exento bis", "kind": "exempt", "rate": "5",
            "is_active": "on"})
        assert response.status_code == 200
        assert "rate" in response.context["adminform"].form.errors
        assert not Tax.objects.filter(name="Exento bis").exists()
        assert not Activity.objects.filter(target_type="fiscal.tax").exists()

    def test_entering_a_range_in_the_admin(self, admin_client, workspace):
        b01 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
        url = reverse("admin:fiscal_documentsubtype_change", args=[b01.pk])
        assert admin_client.get(url).status_code == 200
        response = admin_client.post(url, {
            "name": b01.name, "document_type": "invoice", "ncf_type": "B01", "prefix": "",
            "padding": 8, "range_start": 1, "next_number": 1, "range_end": 500,
            "valid_until": "", "is_active": "on"})
        assert response.status_code == 302, response.context["adminform"].form.errors
        b01.refresh_from_db()
        assert (b01.range_start, b01.range_end) == (1, 500)
        assert b01.valid_until == datetime.date(timezone.localdate().year + 1, 12, 31)
        assert Activity.objects.filter(target_id=b01.pk, verb="range_entered").count() == 1

    def test_a_bad_range_in_the_admin_is_refused_on_its_field(self, admin_client, workspace):
        b01 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
        response = admin_client.post(
            reverse("admin:fiscal_documentsubtype_change", args=[b01.pk]), {
                "name": b01.name, "document_type": "invoice", "ncf_type": "B01",
                "prefix": "X-", "padding": 8, "range_start": 1, "next_number": 1,
                "range_end": 500, "valid_until": "", "is_active": "on"})
        assert response.status_code == 200
        assert "prefix" in response.context["adminform"].form.errors
        assert DocumentSubtype.objects.get(pk=b01.pk).range_end is None

    def test_deleting_a_used_tax_keeps_it(self, admin_client, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 18%")
        ProductFactory(workspace=workspace).taxes.add(tax)
        response = admin_client.post(reverse("admin:fiscal_tax_delete", args=[tax.pk]),
                                     {"post": "yes"}, follow=True)
        assert response.status_code == 200
        assert Tax.objects.filter(pk=tax.pk).exists()
        assert "deactivate" in response.content.decode()

    def test_deactivate_action(self, admin_client, workspace):
        tax = Tax.objects.get(workspace=workspace, name="ITBIS 16%")
        admin_client.post(reverse("admin:fiscal_tax_changelist"),
                          {"action": "deactivate", "_selected_action": [tax.pk]})
        assert Tax.objects.get(pk=tax.pk).is_active is False


class TestDemo:
    def test_gives_the_demo_workspace_ranges_and_is_idempotent(self, workspace, owner):
        demo.seed(workspace, owner)
        until = datetime.date(timezone.localdate().year + 1, 12, 31)
        b01 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
        b02 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B02")
        assert (b01.range_start, b01.range_end, b01.valid_until) == (1, 500, until)
        assert (b02.range_start, b02.range_end, b02.valid_until) == (1, 2000, until)

        with transaction.atomic():
            allocate_number(workspace_id=workspace.pk, subtype_id=b01.pk,
                            on_date=timezone.localdate())
        demo.seed(workspace, owner)
        b01.refresh_from_db()
        assert (b01.range_start, b01.next_number, b01.range_end) == (1, 2, 500)
        assert Activity.objects.filter(target_id=b01.pk, verb="range_entered").count() == 1
        assert Tax.objects.filter(workspace=workspace).count() == 5  # the defaults
        assert Decimal("18.00") in set(Tax.objects.values_list("rate", flat=True))
