"""Login by email, throttling, logout, password reset by email."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-123"


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def test_login_with_email_and_password(client, owner, workspace):
    response = login(client, "OWNER@example.com", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and "Acme SRL" in page.content.decode()


def test_wrong_password_is_refused(client, owner):
    response = login(client, owner.email, "nope")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, owner, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, owner.email, "wrong")
    # Even the right password is refused while locked.
    response = login(client, owner.email, PASSWORD)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_next_must_be_local(client, owner):
    response = client.post(reverse("accounts:login") + "?next=https://evil.example/",
                           {"email": owner.email, "password": PASSWORD})
    assert response.url == reverse("dashboard")
    client.logout()
    response = client.post(reverse("accounts:login") + "?next=/invoices/",
                           {"email": owner.email, "password": PASSWORD})
    assert response.url == "/invoices/"


def test_pages_need_login(client):
    response = client.get(reverse("invoices:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_logout(client, owner):
    client.force_login(owner)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, owner):
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    path = link[link.index("/accounts/reset/"):].strip()
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"new_password1": "N3w-Passw0rd!x",
                                      "new_password2": "N3w-Passw0rd!x"})
    assert response.status_code == 302
    assert login(client, owner.email, "N3w-Passw0rd!x").status_code == 302


def test_unknown_email_reset_sends_nothing(client):
    client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert mail.outbox == []


def test_spanish_by_default_and_english_on_request(client, owner):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="es"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("accounts:login")).content.decode()


def test_user_without_workspace_sees_how_to_start(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert reverse("workspaces:new") in response.content.decode()
