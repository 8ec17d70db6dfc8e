import pytest


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions read English source strings; the UI defaults to Spanish once translated."""
    for name in ("client", "api", "other_api"):
        if name in request.fixturenames:
            request.getfixturevalue(name).defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
