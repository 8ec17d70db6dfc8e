"""Helpers for the fiscal tests."""

from __future__ import annotations

from django.test import Client

from tests.conftest import make_member


def session_client(workspace, role) -> Client:
    """A browser session of a new member with `role`: the API follows the member's role
    (API keys act as admins)."""
    client = Client()
    client.force_login(make_member(workspace, role))
    return client
