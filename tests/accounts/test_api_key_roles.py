"""API keys act with their own role, chosen at creation and never above the creator's;
removing or demoting the creator revokes or lowers their keys."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiKey
from accounts.services import api_key_create
from invoicing.core.errors import InvalidInput, PermissionDenied
from tests.conftest import api_client_for, make_member
from workspaces.models import Activity, Membership
from workspaces.roles import Role
from workspaces.services import member_change_role, member_remove

pytestmark = pytest.mark.django_db
CURRENCIES = "/api/v1/currencies"  # writes need accountant (fiscal settings)


def new_currency(client, code="EUR"):
    return client.post(CURRENCIES, {"code": code, "name": code, "symbol": code},
                       format="json")


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_key_acts_with_its_own_role(workspace, owner):
    seller_key = api_client_for(workspace, owner, role=Role.SELLER)
    assert seller_key.get(CURRENCIES).status_code == 200
    assert new_currency(seller_key).status_code == 403
    accountant_key = api_client_for(workspace, owner, role=Role.ACCOUNTANT)
    assert new_currency(accountant_key).status_code == 201


def test_default_role_is_the_creators_and_admin_at_most(workspace, owner):
    assert api_key_create(workspace=workspace, actor=owner, name="a").api_key.role == Role.ADMIN
    assert api_key_create(workspace=workspace, actor=owner, name="b",
                          role=Role.OWNER).api_key.role == Role.OWNER
    admin = make_member(workspace, Role.ADMIN)
    assert api_key_create(workspace=workspace, actor=admin, name="c").api_key.role == Role.ADMIN


def test_a_key_is_never_above_its_creator(workspace):
    admin = make_member(workspace, Role.ADMIN)
    with pytest.raises(InvalidInput) as caught:
        api_key_create(workspace=workspace, actor=admin, name="x", role=Role.OWNER)
    assert "role" in caught.value.fields
    seller = make_member(workspace, Role.SELLER)
    with pytest.raises(PermissionDenied):
        api_key_create(workspace=workspace, actor=seller, name="x", role=Role.VIEWER)
    assert not ApiKey.objects.filter(name="x").exists()


def test_keys_page_offers_roles_up_to_the_creators(client, workspace):
    admin = make_member(workspace, Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("workspaces:api_keys"))
    field = page.context["form"].fields["role"]
    assert [value for value, _ in field.choices] == [Role.VIEWER, Role.SELLER,
                                                     Role.ACCOUNTANT, Role.ADMIN]
    refused = client.post(reverse("workspaces:api_keys"), {"name": "ERP", "role": Role.OWNER})
    assert "role" in refused.context["form"].errors
    response = client.post(reverse("workspaces:api_keys"), {"name": "POS",
                                                            "role": Role.SELLER})
    key = response.context["new_key"]
    assert ApiKey.objects.get(name="POS").role == Role.SELLER
    assert new_currency(client_with(key)).status_code == 403
    listing = client.get(reverse("workspaces:api_keys")).content.decode()
    assert 'data-testid="key-role-POS">Vendedor<' in listing


def test_removing_a_member_revokes_their_keys(logged_in_client, workspace, owner):
    admin = make_member(workspace, Role.ADMIN, email="ex-admin@example.com")
    key = api_client_for(workspace, admin)
    kept = api_client_for(workspace, owner)
    assert new_currency(key, "EUR").status_code == 201

    logged_in_client.post(reverse("workspaces:member_update",
                                  args=[Membership.objects.get(user=admin).pk]),
                          {"remove": "1"})
    assert not Membership.objects.filter(user=admin).exists()
    assert new_currency(key, "GBP").status_code == 401
    assert kept.get(CURRENCIES).status_code == 200
    entry = Activity.objects.get(workspace=workspace, verb="api_key_revoked")
    assert "ex-admin@example.com" in entry.description
    assert entry.data["reason"] == "member_removed"


def test_demoting_a_member_lowers_their_keys(workspace, owner):
    admin = make_member(workspace, Role.ADMIN)
    key = api_client_for(workspace, admin)
    viewer_key = api_client_for(workspace, admin, role=Role.VIEWER)
    member_change_role(membership=Membership.objects.get(user=admin), actor=owner,
                       role=Role.SELLER)
    assert set(ApiKey.objects.filter(created_by=admin).values_list("role", flat=True)) == {
        Role.SELLER, Role.VIEWER}
    assert new_currency(key).status_code == 403
    assert key.get(CURRENCIES).status_code == 200
    assert viewer_key.get(CURRENCIES).status_code == 200
    lowered = Activity.objects.get(workspace=workspace, verb="api_key_role_lowered")
    assert (lowered.data["from"], lowered.data["to"]) == (Role.ADMIN, Role.SELLER)
    # Promoting again does not raise the keys: a key's role is chosen, never inherited.
    member_change_role(membership=Membership.objects.get(user=admin), actor=owner,
                       role=Role.ADMIN)
    assert new_currency(key).status_code == 403


def test_member_remove_through_the_service_revokes_keys_of_that_workspace_only(
        workspace, other_workspace, owner, intruder):
    shared = make_member(workspace, Role.ADMIN)
    Membership.objects.create(workspace=other_workspace, user=shared, role=Role.ADMIN)
    here = api_client_for(workspace, shared)
    there = api_client_for(other_workspace, shared)
    member_remove(membership=Membership.objects.get(user=shared, workspace=workspace),
                  actor=owner)
    assert here.get(CURRENCIES).status_code == 401
    assert there.get(CURRENCIES).status_code == 200
