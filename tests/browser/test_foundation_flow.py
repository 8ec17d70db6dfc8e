"""Log in, switch workspace, create an API key and see it once."""

import pytest

from tests.browser.conftest import login
from tests.conftest import make_workspace

pytestmark = pytest.mark.browser


def test_login_switch_workspace_and_create_api_key(page, staff, live_server):
    user, _acme = staff
    make_workspace("Beta Comercial SRL", owner=user, rnc="101850043")

    login(page, user.email, "secret-pass-123")
    assert page.locator("#workspace-switch").count() == 1

    with page.expect_navigation():
        page.select_option("#workspace-switch", label="Beta Comercial SRL")
    assert page.locator("h1").first.inner_text() == "Beta Comercial SRL"

    page.goto("/settings/api-keys/")
    page.fill("input[name=name]", "Tienda online")
    page.click("button[type=submit].primary")
    key = page.get_by_test_id("new-api-key").inner_text().strip()
    assert key.startswith("inv_")

    # The key works on the API for Beta, and is never shown again.
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/currencies").status_code == 200

    page.goto("/settings/api-keys/")
    assert page.get_by_test_id("new-api-key").count() == 0
    assert key not in page.content()
    assert "Tienda online" in page.content()
