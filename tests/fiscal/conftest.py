"""The browser harness of tests/browser, for the fiscal browser flow in this package."""

from tests.browser.conftest import (  # noqa: F401 - fixtures and the screenshot hook
    browser,
    logged_in_page,
    page,
    pytest_runtest_makereport,
    staff,
)
