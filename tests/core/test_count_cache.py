"""List counts are cached per workspace and filter, and every write makes them recount."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.core import count_cache
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db
URL = "/api/v1/invoices"


@pytest.fixture(autouse=True)
def _needs_shared_cache():
    if not count_cache.enabled():
        pytest.fail("make test runs with REDIS_URL: the count cache is on")


def count_queries(api, params=None):
    with CaptureQueriesContext(connection) as ctx:
        body = api.get(URL, params or {}).json()
    return body["count"], sum("count(" in q["sql"].lower() for q in ctx.captured_queries)


def test_count_is_reused_until_something_changes(api, workspace):
    make_invoice(workspace)
    assert count_queries(api) == (1, 1)
    assert count_queries(api) == (1, 0)  # nothing changed: no count query
    assert count_queries(api, {"page": 1, "sort": "total_amount"}) == (1, 0)
    make_invoice(workspace)
    assert count_queries(api) == (2, 1)


def test_each_filter_has_its_own_count(api, workspace):
    make_invoice(workspace)
    make_invoice(workspace, draft=True)
    assert count_queries(api, {"status": "draft"})[0] == 1
    assert count_queries(api)[0] == 2


def test_payments_and_cancellations_recount_status_filters(api, workspace):
    from invoicing.invoices.services import invoice_cancel

    invoice = make_invoice(workspace)
    assert count_queries(api, {"status": "cancelled"})[0] == 0
    invoice_cancel(invoice=invoice, actor=None, reason_code="01")
    assert count_queries(api, {"status": "cancelled"})[0] == 1


def test_workspaces_do_not_share_counts(api, other_api, workspace, other_workspace):
    make_invoice(workspace)
    assert count_queries(api)[0] == 1
    assert count_queries(other_api)[0] == 0
