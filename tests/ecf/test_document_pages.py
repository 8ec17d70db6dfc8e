"""The e-CF on the invoice pages and in the admin (issue 15): a badge per row and a filter by
e-CF status (the page and the API), one query more per list page whatever its size, the
signed XML download, "reintentar envío" for accountants and up, the admin's read-only
e-CF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.ecf.models import EcfRecord, EcfStatus

from .issued import issue, prepare_issuer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]


@pytest.fixture(autouse=True)
def _issuer(workspace):
    prepare_issuer(workspace)


def _list_queries(client, path="/invoices/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_shows_each_ecf_status_and_filters_by_it(api, workspace, logged_in_client):
    first, second = issue(api, workspace), issue(api, workspace)
    EcfRecord.objects.filter(document_id=second["id"]).update(status=EcfStatus.REJECTED)
    page = logged_in_client.get("/invoices/").content.decode()
    assert page.count('data-testid="ecf-status"') == 2
    rejected = logged_in_client.get("/invoices/?ecf_status=rejected").content.decode()
    assert second["document_number"] in rejected and first["document_number"] not in rejected
    found = api.get("/api/v1/invoices", {"ecf_status": "rejected"}).json()["results"]
    assert [row["id"] for row in found] == [second["id"]]
    assert api.get("/api/v1/invoices", {"ecf_status": "nonsense"}).status_code == 400


def test_the_list_costs_the_same_queries_for_one_or_many_ecf(api, workspace,
                                                            logged_in_client):
    issue(api, workspace)
    _list_queries(logged_in_client)  # the first page of a session reads a few things once
    one = _list_queries(logged_in_client)
    for _ in range(4):
        issue(api, workspace)
    assert _list_queries(logged_in_client) == one


def test_detail_downloads_the_signed_xml_and_offers_retry_to_accountants(
        api, workspace, logged_in_client, client):
    from tests.conftest import make_member

    invoice = issue(api, workspace)
    record = EcfRecord.objects.get(document_id=invoice["id"])
    page = logged_in_client.get(f"/invoices/{invoice['id']}/").content.decode()
    assert 'data-testid="ecf-retry"' in page and record.security_code in page
    xml = logged_in_client.get(f"/settings/ecf/invoices/{invoice['id']}/xml/")
    assert xml.status_code == 200 and xml.content == bytes(record.xml)
    assert record.file_name in xml["Content-Disposition"]
    retried = logged_in_client.post(f"/settings/ecf/invoices/{invoice['id']}/retry/")
    assert retried.status_code == 302
    viewer = make_member(workspace, role="viewer")
    client.force_login(viewer)
    page = client.get(f"/invoices/{invoice['id']}/").content.decode()
    assert 'data-testid="ecf-panel"' in page and 'data-testid="ecf-retry"' not in page
    assert client.post(f"/settings/ecf/invoices/{invoice['id']}/retry/").status_code == 403


def test_another_workspace_cannot_download_the_xml(api, workspace, client, intruder,
                                                   other_workspace):
    invoice = issue(api, workspace)
    client.force_login(intruder)
    assert client.get(f"/settings/ecf/invoices/{invoice['id']}/xml/").status_code == 404


def test_the_admin_shows_the_ecf_read_only_without_the_xml(api, workspace, client):
    from django.contrib.auth import get_user_model

    invoice = issue(api, workspace)
    record = EcfRecord.objects.get(document_id=invoice["id"])
    admin = get_user_model().objects.create_superuser(email="root@example.com",
                                                      password="x")
    client.force_login(admin)
    page = client.get(f"/admin/ecf/ecfrecord/{record.pk}/change/").content.decode()
    assert record.encf in page and record.security_code in page
    assert "<SignatureValue>" not in page and 'name="status"' not in page
