"""List counts are cached per workspace and filter, and every committed write that can change
a count (invoices, payments, contacts the search matches) makes them recount."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.core import count_cache
from tests.invoices.helpers import make_invoice

# Real commits: the generation moves when a write commits.
pytestmark = pytest.mark.django_db(transaction=True)
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


def test_renaming_a_contact_recounts_the_search(api, workspace, owner):
    from invoicing.contacts.services import contact_update
    from tests.invoices.helpers import customer

    contact = customer(workspace, name="Ferretería Ozama")
    make_invoice(workspace, contact=contact)
    assert api.get(URL, {"q": "Colmado"}).json()["count"] == 0
    contact_update(contact=contact, actor=owner, name="Colmado La Esquina")
    body = api.get(URL, {"q": "Colmado"}).json()
    assert body["count"] == len(body["results"]) == 1


def test_a_count_taken_while_a_write_was_in_flight_is_not_kept(api, workspace):
    """The reader counts under the old generation; the write's bump after its commit makes
    that count stale, so the next read recounts."""
    from django.db import transaction

    from invoicing.invoices.services import record_effects

    invoice = make_invoice(workspace)
    with transaction.atomic():
        record_effects(invoice, pdf=False)  # a write in flight: its bump waits for commit
        assert count_queries(api)[0] == 1  # counted (and cached) meanwhile
    assert count_queries(api) == (1, 1)  # the commit moved the generation: recount
    assert count_queries(api) == (1, 0)


def test_reads_cost_one_cache_round_trip(api, workspace):
    from django.core.cache import cache

    make_invoice(workspace)
    count_queries(api)
    calls = []
    original = cache.get_many

    def get_many(keys, *args, **kwargs):
        calls.append(keys)
        return original(keys, *args, **kwargs)

    cache.get_many = get_many
    try:
        count_queries(api)
    finally:
        del cache.get_many
    assert len(calls) == 1 and len(calls[0]) == 2
