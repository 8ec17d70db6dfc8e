"""Who may change whom: only an owner grants or removes the owner role, the last owner
stays, nobody changes their own role; through the services, the members page and the admin."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from invoicing.core.errors import Conflict, PermissionDenied
from tests.conftest import make_member
from tests.factories import UserFactory
from workspaces.models import Activity, Membership
from workspaces.roles import Role
from workspaces.services import member_add, member_change_role, member_remove

pytestmark = pytest.mark.django_db


def membership_of(workspace, user) -> Membership:
    return Membership.objects.get(workspace=workspace, user=user)


@pytest.fixture
def admin(workspace):
    return make_member(workspace, Role.ADMIN, email="admin@example.com")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def post_role(client, membership, role):
    return client.post(reverse("workspaces:member_update", args=[membership.pk]),
                       {"role": role})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Services ---------------------------------------------------------------------------------

def test_an_admin_cannot_add_an_owner(workspace, admin):
    with pytest.raises(PermissionDenied) as refused:
        member_add(workspace=workspace, actor=admin, email="new@example.com", role=Role.OWNER)
    assert refused.value.code == "owner_role_reserved"
    assert not Membership.objects.filter(user__email="new@example.com").exists()


def test_an_admin_cannot_promote_themself(workspace, admin):
    with pytest.raises(PermissionDenied) as refused:
        member_change_role(membership=membership_of(workspace, admin), actor=admin,
                           role=Role.OWNER)
    assert refused.value.code == "own_role"
    assert membership_of(workspace, admin).role == Role.ADMIN


def test_an_admin_cannot_demote_or_remove_the_owner(workspace, admin, owner):
    owner_membership = membership_of(workspace, owner)
    for attempt in (lambda: member_change_role(membership=owner_membership, actor=admin,
                                               role=Role.VIEWER),
                    lambda: member_remove(membership=owner_membership, actor=admin)):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.code == "owner_role_reserved"
    assert membership_of(workspace, owner).role == Role.OWNER


def test_an_admin_manages_the_roles_below_owner(workspace, admin):
    seller = make_member(workspace, Role.SELLER)
    member_change_role(membership=membership_of(workspace, seller), actor=admin,
                       role=Role.ADMIN)
    assert membership_of(workspace, seller).role == Role.ADMIN
    member_remove(membership=membership_of(workspace, seller), actor=admin)
    assert not Membership.objects.filter(workspace=workspace, user=seller).exists()


def test_only_an_owner_grants_and_removes_the_owner_role(workspace, owner, admin):
    member_change_role(membership=membership_of(workspace, admin), actor=owner,
                       role=Role.OWNER)
    assert membership_of(workspace, admin).role == Role.OWNER
    # Now an owner too, the former admin may demote the first owner (another owner is left).
    member_change_role(membership=membership_of(workspace, owner), actor=admin,
                       role=Role.ACCOUNTANT)
    assert membership_of(workspace, owner).role == Role.ACCOUNTANT
    activity = Activity.objects.filter(workspace=workspace, verb="member_role_changed")
    assert activity.count() == 2


def test_nobody_changes_their_own_role(workspace, owner, admin):
    member_change_role(membership=membership_of(workspace, admin), actor=owner,
                       role=Role.OWNER)
    with pytest.raises(PermissionDenied) as refused:
        member_change_role(membership=membership_of(workspace, owner), actor=owner,
                           role=Role.VIEWER)
    assert refused.value.code == "own_role"
    assert membership_of(workspace, owner).role == Role.OWNER


def test_the_last_owner_is_neither_demoted_nor_removed(workspace, owner):
    superuser = UserFactory(is_staff=True, is_superuser=True)  # acts as an owner
    for attempt in (lambda: member_change_role(membership=membership_of(workspace, owner),
                                               actor=superuser, role=Role.ADMIN),
                    lambda: member_remove(membership=membership_of(workspace, owner),
                                          actor=owner)):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "last_owner"
    assert membership_of(workspace, owner).role == Role.OWNER


def test_below_admin_nobody_manages_members(workspace):
    accountant = make_member(workspace, Role.ACCOUNTANT)
    seller = make_member(workspace, Role.SELLER)
    with pytest.raises(PermissionDenied):
        member_change_role(membership=membership_of(workspace, seller), actor=accountant,
                           role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        member_add(workspace=workspace, actor=accountant, email="x@example.com",
                   role=Role.VIEWER)


# --- Members page -----------------------------------------------------------------------------

def test_page_refuses_an_admin_promoting_themself(admin_client, workspace, admin):
    response = post_role(admin_client, membership_of(workspace, admin), Role.OWNER)
    assert response.status_code == 302
    assert membership_of(workspace, admin).role == Role.ADMIN
    assert any("propio rol" in m for m in messages_of(response))


def test_page_refuses_an_admin_demoting_the_owner(admin_client, workspace, owner):
    response = post_role(admin_client, membership_of(workspace, owner), Role.VIEWER)
    assert membership_of(workspace, owner).role == Role.OWNER
    assert messages_of(response)
    admin_client.post(reverse("workspaces:member_update",
                              args=[membership_of(workspace, owner).pk]), {"remove": "1"})
    assert Membership.objects.filter(workspace=workspace, user=owner).exists()


def test_page_offers_an_admin_no_owner_role(admin_client, workspace, owner):
    page = admin_client.get(reverse("workspaces:members"))
    assert [value for value, _label in page.context["form"].fields["role"].choices] == [
        Role.VIEWER, Role.SELLER, Role.ACCOUNTANT, Role.ADMIN]
    rows = {m.user.email: m for m in page.context["memberships"]}
    assert not rows[owner.email].can_change and not rows[owner.email].can_remove
    assert not rows["admin@example.com"].can_change
    response = admin_client.post(reverse("workspaces:members"),
                                 {"email": "boss@example.com", "role": Role.OWNER})
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not Membership.objects.filter(user__email="boss@example.com").exists()


def test_page_lets_an_owner_grant_the_owner_role(logged_in_client, workspace, admin):
    post_role(logged_in_client, membership_of(workspace, admin), Role.OWNER)
    assert membership_of(workspace, admin).role == Role.OWNER
    logged_in_client.post(reverse("workspaces:members"),
                          {"email": "socia@example.com", "role": Role.OWNER})
    assert Membership.objects.get(user__email="socia@example.com").role == Role.OWNER


# --- Django admin -----------------------------------------------------------------------------

@pytest.fixture
def superuser_client(client):
    user = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_admin_change_goes_through_the_services(superuser_client, workspace, owner, admin):
    url = reverse("admin:workspaces_membership_change",
                  args=[membership_of(workspace, owner).pk])
    response = superuser_client.post(url, {"role": Role.VIEWER})
    assert response.status_code == 200  # the form shows the refusal
    assert "role" in response.context["adminform"].form.errors
    assert membership_of(workspace, owner).role == Role.OWNER

    url = reverse("admin:workspaces_membership_change",
                  args=[membership_of(workspace, admin).pk])
    assert superuser_client.post(url, {"role": Role.OWNER}).status_code == 302
    assert membership_of(workspace, admin).role == Role.OWNER
    assert Activity.objects.filter(workspace=workspace, verb="member_role_changed").exists()


def test_admin_delete_of_the_last_owner_is_refused(superuser_client, workspace, owner):
    membership = membership_of(workspace, owner)
    superuser_client.post(reverse("admin:workspaces_membership_delete", args=[membership.pk]),
                          {"post": "yes"})
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_staff_admin_member_cannot_make_owners_in_the_admin(client, workspace, admin):
    from django.contrib.auth.models import Permission

    admin.is_staff = True
    admin.save()
    admin.user_permissions.add(*Permission.objects.filter(codename__in=[
        "add_membership", "change_membership", "view_membership"]))
    client.force_login(admin)
    newcomer = UserFactory(email="newcomer@example.com")
    response = client.post(reverse("admin:workspaces_membership_add"), {
        "workspace": workspace.pk, "user": newcomer.pk, "role": Role.OWNER})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=newcomer).exists()
    client.post(reverse("admin:workspaces_membership_add"), {
        "workspace": workspace.pk, "user": newcomer.pk, "role": Role.SELLER})
    assert membership_of(workspace, newcomer).role == Role.SELLER
