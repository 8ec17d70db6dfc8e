"""The login throttle: the admin's login has it too, it survives the cache going away, and
behind the TLS proxy it counts each client, not the proxy."""

from __future__ import annotations

import socket

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts import throttle

pytestmark = pytest.mark.django_db
PASSWORD = "secret-pass-123"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    """Dozens of logins per test: a cheap hasher (the users below are made after this)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def app_login(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password},
                       **extra)


def admin_login(client, email, password):
    return client.post(reverse("admin:login"), {"username": email, "password": password,
                                                "next": "/admin/"})


def error_codes(response) -> set[str]:
    return {error.code for error in response.context["form"].non_field_errors().as_data()}


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def staff_owner(owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    return owner


def test_admin_login_is_throttled(client, staff_owner):
    for _ in range(30):
        assert admin_login(client, staff_owner.email, "wrong").status_code == 200
    response = admin_login(client, staff_owner.email, PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    assert "locked" in error_codes(response)


def test_admin_and_app_logins_share_the_counters(client, staff_owner, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        app_login(client, staff_owner.email, "wrong")
    assert "locked" in error_codes(admin_login(client, staff_owner.email, PASSWORD))
    assert not logged_in(client)


def test_admin_login_works_and_resets_the_count(client, staff_owner, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        admin_login(client, staff_owner.email, "wrong")
    assert admin_login(client, staff_owner.email, PASSWORD).status_code == 302
    assert logged_in(client)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def cache_down():
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    throttle._local.clear()
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        with pytest.raises(Exception, match="onnect"):
            cache.get("probe")  # the cache really is unreachable
        yield
    throttle._local.clear()


def test_login_works_with_the_cache_down(client, owner, workspace, cache_down):
    response = app_login(client, owner.email, PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_admin_login_works_with_the_cache_down(client, staff_owner, cache_down):
    assert admin_login(client, staff_owner.email, PASSWORD).status_code == 302


def test_with_the_cache_down_the_process_still_counts(client, owner, cache_down, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert app_login(client, owner.email, "wrong").status_code == 400
    response = app_login(client, owner.email, PASSWORD)
    assert response.status_code == 400 and "locked" in error_codes(response)


def test_clients_behind_the_proxy_do_not_share_a_counter(client, owner, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.LOGIN_FAILURE_LIMIT = 3  # an address is locked after 12 failures
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.10"}
    for n in range(12):
        app_login(client, f"guess{n}@example.com", "wrong", **attacker)
    locked = app_login(client, owner.email, PASSWORD, **attacker)
    assert locked.status_code == 400 and "locked" in error_codes(locked)
    # What a client writes into the header itself is left of the proxy's hop: not believed.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.10"}
    assert "locked" in error_codes(app_login(client, owner.email, PASSWORD, **spoofed))

    colleague = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert app_login(client, owner.email, PASSWORD, **colleague).status_code == 302


def test_without_the_proxy_setting_the_header_is_ignored(settings):
    settings.BEHIND_TLS_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7",
                                   HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert throttle.client_address(request) == "192.0.2.7"


@pytest.mark.parametrize("forwarded, trusted, expected", [
    ("203.0.113.10", [], "203.0.113.10"),
    ("203.0.113.10, 10.1.1.1", ["10.0.0.0/8"], "203.0.113.10"),  # a load balancer of ours
    ("1.2.3.4, 203.0.113.10, 10.1.1.1", ["10.0.0.0/8"], "203.0.113.10"),
    ("not-an-ip", [], PROXY),
    ("", [], PROXY),
    ("2001:db8:1:2:3:4:5:6", [], "2001:db8:1:2::/64"),  # one IPv6 subscriber, one bucket
])
def test_client_address_behind_the_proxy(settings, forwarded, trusted, expected):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_address(request) == expected
