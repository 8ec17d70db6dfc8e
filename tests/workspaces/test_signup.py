"""Sign-up: the password validators run, and the answer is the same whether or not the
email has an account (a new one gets a confirmation link, a taken one a notice)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from invoicing.fiscal.models import DocumentSubtype, Tax
from workspaces.models import Currency, Membership, Workspace
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
FORM = {"name": "Colmado Nuevo", "rnc": "", "email": "dueno@example.com",
        "password": "una-clave-larga-1"}


def sign_up(client, **changes):
    return client.post(reverse("accounts:signup"), {**FORM, **changes})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_new_address_confirms_by_mail_then_gets_its_workspace(client):
    response = sign_up(client)
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    user = User.objects.get(email="dueno@example.com")
    assert not user.is_active and not Workspace.objects.exists()
    assert [m.to for m in mail.outbox] == [["dueno@example.com"]]

    confirm = path_of(link_in(mail.outbox[0]))
    assert client.get(confirm).status_code == 200  # a button: opening the link changes nothing
    assert not User.objects.get(pk=user.pk).is_active
    response = client.post(confirm)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert "_auth_user_id" in client.session
    membership = Membership.objects.get(user__email="dueno@example.com")
    assert membership.role == Role.OWNER and membership.user.is_active
    ws = membership.workspace
    assert set(Currency.objects.filter(workspace=ws).values_list("code", flat=True)) == {
        "DOP", "USD"}
    assert Tax.objects.filter(workspace=ws).count() == 5  # API.md defaults, ITBIS 0% among them
    assert DocumentSubtype.objects.filter(workspace=ws).count() == 15  # 13 fiscal, INV-, COT-

    client.logout()
    assert client.post(confirm).status_code == 400  # the link works once
    assert Workspace.objects.count() == 1


def test_a_taken_address_gets_the_same_answer_and_a_notice(client, owner, workspace):
    new = sign_up(client, email="someone-new@example.com")
    taken = sign_up(client, email=owner.email, password="otra-clave-larga-2")
    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    def page(url):
        return re.sub(rb"[A-Za-z0-9]{32,}", b"", client.get(url).content)  # CSRF tokens differ

    assert page(taken.url) == page(new.url)

    notice = mail.outbox[-1]
    assert notice.to == [owner.email]
    assert reverse("accounts:password_reset") in notice.body
    assert "/signup/confirm/" not in notice.body
    owner.refresh_from_db()
    assert owner.check_password("secret-pass-123")  # nothing about the account changed
    assert Workspace.objects.count() == 1
    assert not Workspace.objects.filter(name=FORM["name"]).exists()


def test_weak_password_is_refused_with_the_validators_message(client):
    response = sign_up(client, password="12345678")
    assert response.status_code == 200
    errors = response.context["form"].errors["password"]
    assert any("común" in e or "common" in e for e in errors)
    assert any("numérica" in e or "numeric" in e for e in errors)
    assert not User.objects.filter(email=FORM["email"]).exists() and mail.outbox == []


def test_password_like_the_email_is_refused(client):
    response = sign_up(client, email="ramonaperez@example.com", password="ramonaperez")
    assert "password" in response.context["form"].errors


def test_a_bad_rnc_is_refused_before_any_mail(client):
    response = sign_up(client, rnc="123456789")
    assert "rnc" in response.context["form"].errors and mail.outbox == []


def test_signing_up_again_before_confirming_replaces_the_first_link(client):
    sign_up(client)
    first = path_of(link_in(mail.outbox[0]))
    sign_up(client, password="la-segunda-clave-9")
    second = path_of(link_in(mail.outbox[1]))
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 302
    assert User.objects.get(email=FORM["email"]).check_password("la-segunda-clave-9")


def test_a_tampered_link_is_refused(client):
    sign_up(client)
    confirm = path_of(link_in(mail.outbox[0]))
    assert client.post(confirm[:-3] + "xyz/").status_code == 400
    assert not Workspace.objects.exists()
