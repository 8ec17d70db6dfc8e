"""The main pages, the admin and the API docs run under the Content-Security-Policy with
nothing refused (the `page` fixture fails on any violation the console reports)."""

import pytest

from tests.browser.conftest import is_csp_violation, login

pytestmark = pytest.mark.browser

PAGES = ["/", "/invoices/", "/invoices/new/", "/quotations/", "/quotations/new/",
         "/contacts/", "/products/", "/settings/", "/settings/members/",
         "/settings/api-keys/", "/settings/currencies/", "/admin/",
         "/admin/invoices/invoice/", "/api/docs/"]


def test_main_pages_run_without_policy_violations(page, staff):
    user, _workspace = staff
    user.is_staff = user.is_superuser = True
    user.save()
    page.goto("/accounts/login/")
    login(page, user.email, "secret-pass-123")
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
    assert page.csp_violations == []


def test_api_docs_render_the_operations(page, staff):
    user, _workspace = staff
    login(page, user.email, "secret-pass-123")
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)  # Swagger UI built the page
    assert page.locator(".opblock").count() > 10


def test_the_policy_is_enforced(page, staff):
    """A check of the check: an inline script injected into a page is refused and reported."""
    user, _workspace = staff
    login(page, user.email, "secret-pass-123")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__ran = true';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === undefined")
    assert any(is_csp_violation(v) for v in page.csp_violations)
    page.csp_violations.clear()  # expected here; the fixture checks the rest
