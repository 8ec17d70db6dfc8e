"""Workspace switching, members and API keys pages, roles."""

import pytest
from django.urls import reverse

from accounts.models import ApiKey
from tests.conftest import make_member, make_workspace
from workspaces.models import Membership
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_switch_between_own_workspaces_only(client, owner, workspace, other_workspace):
    second = make_workspace("Beta SRL", owner=owner, rnc="401506254")
    client.force_login(owner)
    client.post(reverse("workspaces:switch"), {"workspace_id": second.pk})
    assert client.get(reverse("dashboard")).context["workspace"] == second
    client.post(reverse("workspaces:switch"), {"workspace_id": other_workspace.pk})
    assert client.get(reverse("dashboard")).context["workspace"] == second


def test_api_key_shown_once_and_only_hash_stored(logged_in_client, workspace):
    response = logged_in_client.post(reverse("workspaces:api_keys"), {"name": "ERP"})
    key = response.context["new_key"]
    assert key.startswith("inv_") and key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    stored = ApiKey.objects.get(workspace=workspace, name="ERP")
    assert key not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert key not in logged_in_client.get(reverse("workspaces:api_keys")).content.decode()


def test_revoked_key_stops_working(logged_in_client, workspace):
    from rest_framework.test import APIClient

    key = logged_in_client.post(reverse("workspaces:api_keys"),
                                {"name": "ERP"}).context["new_key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/currencies").status_code == 200
    stored = ApiKey.objects.get(workspace=workspace, name="ERP")
    logged_in_client.post(reverse("workspaces:api_key_revoke", args=[stored.pk]))
    assert api.get("/api/v1/currencies").status_code == 401


@pytest.mark.parametrize("role, status", [(Role.VIEWER, 403), (Role.SELLER, 403),
                                          (Role.ACCOUNTANT, 403), (Role.ADMIN, 200)])
def test_members_and_keys_need_admin(client, workspace, role, status):
    client.force_login(make_member(workspace, role))
    assert client.get(reverse("workspaces:members")).status_code == status
    assert client.get(reverse("workspaces:api_keys")).status_code == status


def test_add_member_and_change_role(logged_in_client, workspace):
    logged_in_client.post(reverse("workspaces:members"),
                          {"email": "nueva@example.com", "role": Role.ACCOUNTANT})
    membership = Membership.objects.get(workspace=workspace, user__email="nueva@example.com")
    assert membership.role == Role.ACCOUNTANT
    logged_in_client.post(reverse("workspaces:member_update", args=[membership.pk]),
                          {"role": Role.VIEWER})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_last_owner_stays(logged_in_client, workspace, owner):
    membership = Membership.objects.get(workspace=workspace, user=owner)
    logged_in_client.post(reverse("workspaces:member_update", args=[membership.pk]),
                          {"role": Role.VIEWER})
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_company_settings_save_through_the_service(logged_in_client, workspace):
    response = logged_in_client.post(reverse("workspaces:workspace"), {
        "name": "Acme Dominicana SRL", "rnc": "1-31-24679-6", "address": "Santiago",
        "phone": "", "email": "", "pdf_footer": "Gracias", "quotation_validity_days": 20})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.rnc, workspace.quotation_validity_days) == (
        "Acme Dominicana SRL", "131246796", 20)
    bad = logged_in_client.post(reverse("workspaces:workspace"), {
        "name": "X", "rnc": "123456789", "quotation_validity_days": 15})
    assert bad.status_code == 200 and "rnc" in bad.context["form"].errors
