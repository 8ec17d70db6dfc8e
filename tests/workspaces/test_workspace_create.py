"""One service creates workspaces with the Dominican defaults; `create_workspace` prints JSON."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from invoicing.fiscal.models import DocumentSubtype, Tax
from workspaces.models import Activity, Currency, Membership, Workspace
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_create_workspace_command_prints_a_working_key():
    out = StringIO()
    call_command("create_workspace", "Acme SRL", "--owner", "owner@example.com",
                 "--password", "pw-12345678", "--rnc", "131246796", stdout=out)
    data = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(data) == {"workspace_id", "slug", "api_key"}
    assert data["slug"] == "acme-srl"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['api_key']}")
    response = client.get("/api/v1/currencies")
    assert response.status_code == 200 and response.json()["count"] == 2
    membership = Membership.objects.get(workspace_id=data["workspace_id"])
    assert membership.user.email == "owner@example.com" and membership.role == Role.OWNER
    assert membership.user.check_password("pw-12345678")


def test_second_workspace_gets_a_unique_slug_and_owner_is_reused():
    call_command("create_workspace", "Acme SRL", "--owner", "o@example.com", stdout=StringIO())
    out = StringIO()
    call_command("create_workspace", "Acme SRL", "--owner", "o@example.com", stdout=out)
    assert json.loads(out.getvalue())["slug"] == "acme-srl-2"
    assert Workspace.objects.count() == 2


def test_bad_rnc_is_a_clear_error():
    with pytest.raises(CommandError, match="RNC"):
        call_command("create_workspace", "X", "--owner", "o@example.com", "--rnc", "123456789",
                     stdout=StringIO())
    assert not Workspace.objects.exists()


def test_defaults(workspace):
    currencies = {c.code: c for c in Currency.objects.filter(workspace=workspace)}
    assert currencies["DOP"].is_default and currencies["DOP"].symbol == "RD$"
    assert not currencies["USD"].is_default
    taxes = {t.name: (t.kind, t.rate) for t in Tax.objects.filter(workspace=workspace)}
    assert taxes == {"ITBIS 18%": ("itbis", Decimal("18.00")),
                     "ITBIS 16%": ("itbis", Decimal("16.00")),
                     "ITBIS 0%": ("itbis", Decimal("0.00")),
                     "Exento": ("exempt", Decimal("0.00")),
                     "Propina legal 10%": ("tip", Decimal("10.00"))}
    subtypes = DocumentSubtype.objects.filter(workspace=workspace)
    assert sorted(s.ncf_type for s in subtypes if s.ncf_type) == [
        "B01", "B02", "B03", "B04", "B14", "B15", "E31", "E32", "E33", "E34", "E44", "E45",
        "E46"]
    assert all(s.range_end is None for s in subtypes if s.ncf_type)
    assert sorted(s.prefix for s in subtypes if not s.ncf_type) == ["COT-", "INV-"]
    assert Activity.objects.filter(workspace=workspace, verb="created").exists()
