"""Issue 12 "Counters only move by issuing" and API.md (document subtypes): a series keeps
the history of its authorised ranges. A new range is added (`POST
/document-subtypes/{id}/ranges`), never typed over the old one; it takes over when the
current one is used up or expires; `validate-ncf` judges numbers against every range; a
back-dated document cannot take a number from a range that has expired since."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from invoicing.core.errors import InvalidInput
from invoicing.fiscal.models import DocumentSubtype, NcfRange, Tax
from invoicing.fiscal.numbering import NumberingRefused, allocate_number
from invoicing.fiscal.services import subtype_add_range
from invoicing.fiscal.validation import validate_ncf
from tests.factories import ContactFactory, InvoiceFactory
from tests.fiscal.helpers import session_client
from workspaces.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/document-subtypes"


def today() -> datetime.date:
    return timezone.localdate()


def series(workspace, code="B01") -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type=code)


def ranges_url(subtype) -> str:
    return f"{URL}/{subtype.pk}/ranges"


def take(subtype, on_date=None):
    with transaction.atomic():
        return allocate_number(workspace_id=subtype.workspace_id, subtype_id=subtype.pk,
                               on_date=on_date or today())


def statuses(api, subtype) -> list[tuple[int, int, str]]:
    body = api.get(f"{URL}/{subtype.pk}").json()
    return [(r["range_start"], r["range_end"], r["status"]) for r in body["ranges"]]


def issue(api, workspace, subtype, **extra):
    return api.post("/api/v1/invoices", {
        "contact_id": ContactFactory(workspace=workspace, tax_id="131246796").pk,
        "document_subtype_id": subtype.pk,
        "items": [{"description": "Consultoría", "quantity": "1", "unit_price": "1000.00",
                   "tax_ids": [Tax.objects.get(workspace=workspace, name="ITBIS 18%").pk]}],
        **extra}, format="json", HTTP_ACCEPT_LANGUAGE="en")


class TestAddingRanges:
    def test_the_first_range_posted_is_current_at_once(self, api, workspace):
        b01 = series(workspace)
        response = api.post(ranges_url(b01), {"range_start": 1, "range_end": 100},
                            format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["range_start"], body["next_number"], body["range_end"]) == (1, 1, 100)
        assert body["valid_until"] == f"{today().year + 1}-12-31"
        [entry] = body["ranges"]
        assert set(entry) == {"range_start", "range_end", "valid_until", "entered_at",
                              "status"}
        assert entry["status"] == "current" and entry["entered_at"]

    def test_a_new_range_waits_and_takes_over_when_the_current_is_used_up(self, api,
                                                                         workspace):
        b01 = series(workspace)
        later = (today() + datetime.timedelta(days=500)).isoformat()
        api.post(ranges_url(b01), {"range_start": 1, "range_end": 2}, format="json")
        body = api.post(ranges_url(b01), {"range_start": 11, "range_end": 20,
                                          "valid_until": later}, format="json").json()
        assert (body["range_start"], body["range_end"]) == (1, 2)  # still the current one
        assert [r["status"] for r in body["ranges"]] == ["current", "next"]
        assert body["warnings"] == []  # the next range is entered

        numbers = [issue(api, workspace, b01).json() for _ in range(3)]
        assert [n["document_number"] for n in numbers] == [
            "B0100000001", "B0100000002", "B0100000011"]
        assert numbers[2]["ncf_valid_until"] == later
        assert statuses(api, b01) == [(1, 2, "finished"), (11, 20, "current")]
        assert NcfRange.objects.get(subtype=b01, range_start=1).ended_as == "finished"

    def test_a_new_range_takes_over_when_the_current_expires(self, api, workspace):
        b01 = series(workspace)
        api.post(ranges_url(b01), {"range_start": 1, "range_end": 100}, format="json")
        api.post(ranges_url(b01), {"range_start": 101, "range_end": 200}, format="json")
        assert issue(api, workspace, b01).json()["document_number"] == "B0100000001"
        DocumentSubtype.objects.filter(pk=b01.pk).update(
            valid_until=today() - datetime.timedelta(days=1))
        NcfRange.objects.filter(subtype=b01, range_start=1).update(
            valid_until=today() - datetime.timedelta(days=1))
        assert issue(api, workspace, b01).json()["document_number"] == "B0100000101"
        assert statuses(api, b01) == [(1, 100, "expired"), (101, 200, "current")]

    def test_a_range_posted_after_the_current_expired_takes_over_at_once(self, api,
                                                                         workspace):
        b01 = series(workspace)
        api.post(ranges_url(b01), {"range_start": 1, "range_end": 100}, format="json")
        take(b01)
        DocumentSubtype.objects.filter(pk=b01.pk).update(
            valid_until=today() - datetime.timedelta(days=1))
        body = api.post(ranges_url(b01), {"range_start": 101, "range_end": 200},
                        format="json").json()
        assert (body["range_start"], body["next_number"]) == (101, 101)
        assert [r["status"] for r in body["ranges"]] == ["expired", "current"]

    @pytest.mark.parametrize("start,end", [(50, 150), (100, 100), (1, 10), (150, 250)])
    def test_overlapping_an_entered_range_is_400(self, api, workspace, start, end):
        b01 = series(workspace)
        api.post(ranges_url(b01), {"range_start": 1, "range_end": 100}, format="json")
        api.post(ranges_url(b01), {"range_start": 201, "range_end": 300}, format="json")
        response = api.post(ranges_url(b01), {"range_start": start, "range_end": end},
                            format="json")
        assert response.status_code == 400, response.content
        assert "range_start" in response.json()["error"]["fields"]
        assert NcfRange.objects.filter(subtype=b01).count() == 2

    @pytest.mark.parametrize("body,field", [
        ({"range_end": 10}, "range_start"),
        ({"range_start": 1}, "range_end"),
        ({"range_start": 20, "range_end": 10}, "range_end"),
        ({"range_start": 0, "range_end": 10}, "range_start"),
        ({"range_start": 1, "range_end": 100_000_000}, "range_end"),
        ({"range_start": 1, "range_end": 10, "valid_until": "2020-12-31"}, "valid_until"),
        ({"range_start": "uno", "range_end": 10}, "range_start"),
    ])
    def test_bad_input_is_400_naming_the_field(self, api, workspace, body, field):
        response = api.post(ranges_url(series(workspace)), body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["error"]["fields"]

    def test_a_plain_series_has_no_ranges(self, api, workspace):
        inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
        response = api.post(ranges_url(inv), {"range_start": 1, "range_end": 10},
                            format="json")
        assert response.status_code == 400
        assert api.get(f"{URL}/{inv.pk}").json()["ranges"] == []

    def test_e32_and_e34_ranges_have_no_expiry(self, api, workspace):
        for code in ("E32", "E34"):
            subtype = series(workspace, code)
            response = api.post(ranges_url(subtype), {"range_start": 1, "range_end": 10,
                                                      "valid_until": "2030-12-31"},
                                format="json")
            assert response.status_code == 400
            assert "valid_until" in response.json()["error"]["fields"]
            body = api.post(ranges_url(subtype), {"range_start": 1, "range_end": 10},
                            format="json").json()
            assert body["valid_until"] is None and body["ranges"][0]["valid_until"] is None
        # E31 does expire, as B series do.
        body = api.post(ranges_url(series(workspace, "E31")),
                        {"range_start": 1, "range_end": 10}, format="json").json()
        assert body["valid_until"] == f"{today().year + 1}-12-31"

    def test_seller_may_not_add_a_range_accountant_may(self, workspace):
        b01 = series(workspace)
        seller = session_client(workspace, Role.SELLER)
        assert seller.post(ranges_url(b01), {"range_start": 1, "range_end": 10},
                           content_type="application/json").status_code == 403
        accountant = session_client(workspace, Role.ACCOUNTANT)
        assert accountant.post(ranges_url(b01), {"range_start": 1, "range_end": 10},
                               content_type="application/json").status_code == 201

    def test_another_workspaces_series_is_404(self, api, other_workspace):
        foreign = series(other_workspace)
        assert api.post(ranges_url(foreign), {"range_start": 1, "range_end": 10},
                        format="json").status_code == 404
        assert not NcfRange.objects.filter(subtype=foreign).exists()

    def test_a_current_range_written_straight_into_the_series_joins_the_history(
            self, api, workspace):
        b01 = series(workspace)
        DocumentSubtype.objects.filter(pk=b01.pk).update(
            range_start=1, range_end=10, next_number=11,
            valid_until=today() + datetime.timedelta(days=30))
        body = api.post(ranges_url(b01), {"range_start": 11, "range_end": 20},
                        format="json").json()
        assert [(r["range_start"], r["status"]) for r in body["ranges"]] == [
            (1, "finished"), (11, "current")]


class TestDates:
    def test_a_back_dated_issue_cannot_use_a_range_expired_since(self, api, workspace):
        """The issue date falls inside the range's validity, but today is past it."""
        b01 = series(workspace)
        expired = today() - datetime.timedelta(days=2)
        DocumentSubtype.objects.filter(pk=b01.pk).update(range_start=1, range_end=100,
                                                         valid_until=expired)
        response = issue(api, workspace, b01,
                         issue_date=(expired - datetime.timedelta(days=3)).isoformat())
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "ncf_range_expired"
        assert series(workspace).next_number == 1
        with pytest.raises(NumberingRefused):
            take(b01, on_date=expired)

    def test_an_issue_date_after_the_expiry_is_refused_too(self, workspace):
        b01 = series(workspace)
        DocumentSubtype.objects.filter(pk=b01.pk).update(range_start=1, range_end=100,
                                                         valid_until=today())
        assert take(b01).document_number == "B0100000001"  # its last day still issues
        with pytest.raises(NumberingRefused) as refused:
            take(b01, on_date=today() + datetime.timedelta(days=1))
        assert refused.value.code == "ncf_range_expired"


class TestValidateAgainstEveryRange:
    @pytest.fixture
    def b01(self, workspace):
        """Ranges 1–10 (used up), 21–30 (current), 41–50 (next)."""
        subtype = series(workspace)
        subtype_add_range(subtype=subtype, actor=None, range_start=1, range_end=10)
        for _ in range(10):
            take(subtype)
        subtype_add_range(subtype=subtype, actor=None, range_start=21, range_end=30)
        subtype_add_range(subtype=subtype, actor=None, range_start=41, range_end=50)
        subtype.refresh_from_db()
        assert subtype.range_start == 21
        return subtype

    @pytest.mark.parametrize("ncf,codes", [
        ("B0100000005", []),           # an earlier range's number is still authorised
        ("B0100000025", []),           # the current range
        ("B0100000045", []),           # the range waiting to take over
        ("B0100000015", ["out_of_range"]),  # between ranges: never authorised
        ("B0100000051", ["out_of_range"]),
    ])
    def test_numbers_are_judged_by_the_range_they_belong_to(self, workspace, b01, ncf,
                                                            codes):
        result = validate_ncf(workspace=workspace, ncf=ncf, subtype=b01)
        assert result.codes == codes, result.errors

    def test_the_out_of_range_message_lists_the_ranges(self, workspace, b01):
        result = validate_ncf(workspace=workspace, ncf="B0100000015", subtype=b01)
        message = result.errors[0]["message"]
        assert "B0100000001" in message and "B0100000041" in message

    def test_a_number_of_an_expired_earlier_range_is_expired(self, api, workspace, b01):
        NcfRange.objects.filter(subtype=b01, range_start=1).update(
            valid_until=today() - datetime.timedelta(days=1))
        result = validate_ncf(workspace=workspace, ncf="B0100000005", subtype=b01)
        assert result.codes == ["expired"]
        # The current range has not expired: its numbers are fine.
        assert validate_ncf(workspace=workspace, ncf="B0100000022", subtype=b01).valid
        body = api.post("/api/v1/invoices/validate-ncf",
                        {"ncf": "B0100000005", "document_subtype_id": b01.pk},
                        format="json").json()
        assert [e["code"] for e in body["errors"]] == ["expired"]

    def test_a_used_number_is_a_duplicate(self, workspace, b01):
        InvoiceFactory(workspace=workspace, document_subtype=b01, status="pending_payment",
                       document_number="B0100000003")
        assert validate_ncf(workspace=workspace, ncf="B0100000003",
                            subtype=b01).codes == ["duplicate"]


class TestServiceRules:
    def test_a_range_below_issued_numbers_is_refused(self, workspace):
        b01 = series(workspace)
        InvoiceFactory(workspace=workspace, document_subtype=b01, status="pending_payment",
                       document_number="B0100000077")
        with pytest.raises(InvalidInput) as refused:
            subtype_add_range(subtype=b01, actor=None, range_start=50, range_end=100)
        assert "B0100000077" in refused.value.message
        assert "range_start" in refused.value.fields

    def test_note_numbers_count_as_issued(self, workspace):
        """Credit notes number from their own series: their numbers lock it too."""
        from tests.notes.helpers import b01_invoice, credit

        invoice = b01_invoice(workspace)
        note = credit(workspace, invoice, full=True)
        b04 = note.document_subtype
        with pytest.raises(InvalidInput):
            subtype_add_range(subtype=b04, actor=None, range_start=note.sequence_number,
                              range_end=note.sequence_number + 10)


class TestPages:
    def test_the_settings_page_shows_every_range_with_its_status(self, logged_in_client,
                                                                 workspace):
        b01 = series(workspace)
        subtype_add_range(subtype=b01, actor=None, range_start=1, range_end=2)
        take(b01)
        take(b01)
        subtype_add_range(subtype=b01, actor=None, range_start=11, range_end=20)
        subtype_add_range(subtype=b01, actor=None, range_start=31, range_end=40)
        html = logged_in_client.get("/settings/fiscal/subtypes/").content.decode()
        row = html[html.index('data-testid="subtype-B01"'):]
        row = row[:row.index("</tr>\n  \n  <tr") if "</tr>\n  \n  <tr" in row else 4000]
        for first, status in (("B0100000001", "finished"), ("B0100000011", "current"),
                              ("B0100000031", "next")):
            assert first in row
            assert f'data-status="{status}"' in row
        page = logged_in_client.get(f"/settings/fiscal/subtypes/{b01.pk}/range/")
        assert page.content.decode().count("data-status=") == 3

    def test_the_range_page_adds_a_range_and_never_types_over(self, logged_in_client,
                                                              workspace):
        b01 = series(workspace)
        subtype_add_range(subtype=b01, actor=None, range_start=1, range_end=100)
        take(b01)
        response = logged_in_client.post(
            f"/settings/fiscal/subtypes/{b01.pk}/range/",
            {"range_start": "B0100000101", "range_end": "B0100000300",
             "valid_until": f"{today().year + 1}-12-31"})
        assert response.status_code == 302
        b01.refresh_from_db()
        assert (b01.range_start, b01.next_number, b01.range_end) == (1, 2, 100)
        assert list(NcfRange.objects.filter(subtype=b01).values_list(
            "range_start", "range_end")) == [(1, 100), (101, 300)]

    def test_e32_range_page_asks_no_expiry(self, logged_in_client, workspace):
        e32 = series(workspace, "E32")
        html = logged_in_client.get(f"/settings/fiscal/subtypes/{e32.pk}/range/") \
            .content.decode()
        assert 'name="valid_until"' not in html
        response = logged_in_client.post(f"/settings/fiscal/subtypes/{e32.pk}/range/",
                                         {"range_start": "1", "range_end": "500"})
        assert response.status_code == 302
        e32.refresh_from_db()
        assert (e32.range_end, e32.valid_until) == (500, None)

    def test_the_admin_shows_the_history_read_only(self, admin_client, workspace):
        b01 = series(workspace)
        subtype_add_range(subtype=b01, actor=None, range_start=1, range_end=100)
        html = admin_client.get(f"/admin/fiscal/documentsubtype/{b01.pk}/change/") \
            .content.decode()
        assert "B0100000001 – B0100000100" in html
