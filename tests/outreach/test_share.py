"""Issue 17 "Done when": the customer link opens without login, shows the right document,
404 after revoking, no other workspace data reachable from it, first view recorded once."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from django.test import Client

from invoicing.outreach.models import ShareLink
from tests.conftest import api_client_for
from tests.invoices.helpers import customer, make_invoice
from tests.quotations.helpers import make_quotation
from workspaces.models import Activity

pytestmark = pytest.mark.django_db


def _share(api, invoice) -> str:
    response = api.get(f"/api/v1/invoices/{invoice.pk}/share")
    assert response.status_code == 200, response.content
    assert response.json()["expires_at"] is None
    return response.json()["url"]


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_link_opens_without_login_and_shows_that_document_only(api, workspace,
                                                                   other_workspace):
    invoice = make_invoice(workspace, contact=customer(workspace, name="Colmado Don Chepe"))
    other = make_invoice(workspace, contact=customer(workspace, name="Otro Cliente SRL"))
    foreign = make_invoice(other_workspace,
                           contact=customer(other_workspace, name="Ajeno Corp SRL"))
    path = _path(_share(api, invoice))
    assert re.fullmatch(r"/p/[A-Za-z0-9_-]{43}/", path)

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert invoice.document_number in html and "Colmado Don Chepe" in html
    assert "Otro Cliente SRL" not in html and other.document_number not in html
    assert "Ajeno Corp SRL" not in html and "Otra Empresa SRL" not in html
    assert page["X-Robots-Tag"].startswith("noindex") and 'name="robots"' in html
    # No navigation: its only links are its own PDF and the stylesheet.
    links = set(re.findall(r'(?:href|src|action)="([^"]+)"', html))
    assert links <= {f"{path}pdf/", f"{path}pdf/?download=1", "/static/css/app.css"}, links
    assert "/invoices/" not in html and "csrfmiddlewaretoken" not in html

    pdf = anonymous.get(f"{path}pdf/?download=1")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'{invoice.document_number}.pdf' in pdf["Content-Disposition"]
    # A token of one workspace never opens another's document, whatever is appended.
    assert anonymous.get(f"{path}{foreign.pk}/").status_code == 404
    assert anonymous.get("/p/" + "A" * 43 + "/").status_code == 404


def test_the_first_view_is_recorded_once(api, workspace, logged_in_client):
    invoice = make_invoice(workspace)
    path = _path(_share(api, invoice))
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="not-viewed"' in page
    for _view in range(3):
        assert Client().get(path).status_code == 200
    Client().get(f"{path}pdf/")
    link = ShareLink.objects.get()
    first = link.first_viewed_at
    assert first is not None
    assert Activity.objects.filter(verb="viewed", target_id=invoice.pk).count() == 1
    assert api.get(f"/api/v1/invoices/{invoice.pk}/share").json()["first_viewed_at"]
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Visto por el cliente" in page


def test_revoking_kills_the_link_and_the_next_request_makes_a_new_one(api, workspace):
    invoice = make_invoice(workspace)
    old = _path(_share(api, invoice))
    assert _share(api, invoice).endswith(old)  # the same link until revoked
    assert api.post(f"/api/v1/invoices/{invoice.pk}/share/revoke").status_code == 204
    assert Client().get(old).status_code == 404
    assert Client().get(f"{old}pdf/").status_code == 404
    new = _path(_share(api, invoice))
    assert new != old
    assert Client().get(new).status_code == 200
    assert Client().get(old).status_code == 404


def test_a_lifetime_set_by_the_workspace_expires_the_link(api, workspace):
    from django.utils import timezone

    api.patch("/api/v1/outreach/settings", {"link_lifetime_days": 30}, format="json")
    invoice = make_invoice(workspace)
    answer = api.get(f"/api/v1/invoices/{invoice.pk}/share").json()
    assert answer["expires_at"] is not None
    ShareLink.objects.update(expires_at=timezone.now())
    assert Client().get(_path(answer["url"])).status_code == 404
    assert _path(api.get(f"/api/v1/invoices/{invoice.pk}/share").json()["url"]) != \
        _path(answer["url"])


def test_a_draft_has_no_link_and_a_quotation_has_one(api, workspace):
    draft = make_invoice(workspace, draft=True)
    assert api.get(f"/api/v1/invoices/{draft.pk}/share").status_code == 409
    quotation = make_quotation(workspace)
    url = api.get(f"/api/v1/quotations/{quotation.pk}/share").json()["url"]
    page = Client().get(_path(url))
    assert page.status_code == 200 and quotation.document_number in page.content.decode()


def test_a_note_has_a_link_that_shows_that_note(api, workspace):
    from tests.notes.helpers import amount_line, b01_invoice, credit

    original = b01_invoice(workspace)
    note = credit(workspace, original, items=[amount_line("100.00", workspace)])
    url = api.get(f"/api/v1/credit-notes/{note.pk}/share").json()["url"]
    assert api.get(f"/api/v1/debit-notes/{note.pk}/share").status_code == 404
    page = Client().get(_path(url))
    html = page.content.decode()
    assert page.status_code == 200 and note.document_number in html
    assert "Nota de crédito" in html and original.document_number in html  # the NCF it modifies
    pdf = Client().get(f"{_path(url)}pdf/?download=1")
    assert pdf.content.startswith(b"%PDF") and note.document_number in pdf["Content-Disposition"]
    assert ShareLink.objects.get(kind="credit_note").first_viewed_at is not None
    assert api.post(f"/api/v1/credit-notes/{note.pk}/share/revoke").status_code == 204
    assert Client().get(_path(url)).status_code == 404


def test_another_workspace_cannot_read_or_revoke_the_link(api, other_api, workspace):
    invoice = make_invoice(workspace)
    path = _path(_share(api, invoice))
    assert other_api.get(f"/api/v1/invoices/{invoice.pk}/share").status_code == 404
    assert other_api.post(f"/api/v1/invoices/{invoice.pk}/share/revoke").status_code == 404
    assert Client().get(path).status_code == 200


def test_the_page_is_rate_limited(api, workspace, settings):
    from invoicing.outreach import public

    invoice = make_invoice(workspace)
    path = _path(_share(api, invoice))
    client = Client()
    statuses = [client.get(path).status_code for _ in range(public.RATE_LIMIT + 2)]
    assert statuses[0] == 200 and statuses[-1] == 429


def test_a_viewer_cannot_make_links(workspace, owner):
    invoice = make_invoice(workspace)
    viewer = api_client_for(workspace, owner, role="viewer")
    assert viewer.get(f"/api/v1/invoices/{invoice.pk}/share").status_code == 403


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_views_and_first_requests_make_one_of_each(workspace, owner):
    invoice = make_invoice(workspace)
    api = api_client_for(workspace, owner)
    barrier = threading.Barrier(6)
    urls, errors = [], []

    def make():
        try:
            barrier.wait()
            urls.append(api.get(f"/api/v1/invoices/{invoice.pk}/share").json()["url"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(urls)) == 1
    assert ShareLink.objects.count() == 1

    path, statuses = _path(urls[0]), []
    barrier = threading.Barrier(8)

    def view():
        try:
            barrier.wait()
            statuses.append(Client().get(path).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=view) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 8
    assert Activity.objects.filter(verb="viewed", target_id=invoice.pk).count() == 1
