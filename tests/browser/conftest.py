"""Browser harness: Playwright drives Debian's chromium (headless) against pytest-django's
live server. A failing test leaves a screenshot in test-artifacts/<test name>.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def is_csp_violation(text: str) -> bool:
    # Chromium's console wording for a resource or inline code the policy refused.
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def page(browser, request, live_server):
    """A fresh browser page. Every flow also checks the Content-Security-Policy: a
    violation reported on the console (an inline script or style, a foreign resource) fails
    the test at teardown."""
    context = browser.new_context(base_url=live_server.url, locale="es-DO",
                                  viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on("console", lambda message: is_csp_violation(message.text)
            and page.csp_violations.append(f"{page.url}: {message.text}"))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not page.csp_violations, "\n".join(page.csp_violations)


def login(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


@pytest.fixture
def staff(transactional_db):
    """A user who owns the workspace `Acme SRL` (with all defaults), password `secret-pass-123`."""
    from tests.conftest import make_workspace
    from tests.factories import UserFactory

    user = UserFactory(email="staff@example.com")
    workspace = make_workspace("Acme SRL", owner=user)
    return user, workspace


@pytest.fixture
def logged_in_page(page, staff):
    user, _workspace = staff
    login(page, user.email, "secret-pass-123")
    return page
