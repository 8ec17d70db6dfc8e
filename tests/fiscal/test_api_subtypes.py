"""`/api/v1/document-subtypes` (API.md; issue 4 "Document subtypes" and "Warnings")."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype
from tests.factories import DocumentSubtypeFactory, InvoiceFactory, QuotationFactory
from tests.fiscal.helpers import session_client
from workspaces.models import Activity
from workspaces.roles import Role

URL = "/api/v1/document-subtypes"

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def end_of_next_year() -> str:
    return f"{today().year + 1}-12-31"


def detail(subtype) -> str:
    return f"{URL}/{subtype.pk}"


def series(workspace, code="B01") -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type=code)


def plain(workspace, prefix="INV-") -> DocumentSubtype:
    return DocumentSubtype.objects.get(workspace=workspace, prefix=prefix)


def issued_invoice(subtype, number: str):
    return InvoiceFactory(workspace=subtype.workspace, document_subtype=subtype,
                          document_number=number, status="pending_payment")


def assert_400(response, field: str) -> str:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert field in error["fields"], error
    return error["fields"][field][0]


class TestRead:
    def test_a_new_workspace_has_the_defaults_of_api_md(self, api):
        rows = api.get(URL).json()["results"]
        assert sorted((row["ncf_type"] or row["prefix"]) for row in rows) == [
            "B01", "B02", "B03", "B04", "B14", "B15", "COT-", "E31", "E32", "E33", "E34",
            "E44", "E45", "E46", "INV-"]
        b01 = next(row for row in rows if row["ncf_type"] == "B01")
        assert set(b01) == {"id", "name", "document_type", "ncf_type", "prefix", "padding",
                            "range_start", "next_number", "range_end", "valid_until",
                            "remaining", "ranges", "is_active", "warnings"}
        assert b01["ranges"] == []
        e_series = [row for row in rows if (row["ncf_type"] or "").startswith("E")]
        assert all(row["padding"] == 10 and row["range_end"] is None and row["ranges"] == []
                   for row in e_series)
        assert {row["ncf_type"]: row["document_type"] for row in e_series} == {
            "E31": "invoice", "E32": "invoice", "E33": "debit_note", "E34": "credit_note",
            "E44": "invoice", "E45": "invoice", "E46": "invoice"}
        assert b01["document_type"] == "invoice" and b01["prefix"] == ""
        assert b01["padding"] == 8 and b01["range_end"] is None and b01["remaining"] == 0
        assert [w["code"] for w in b01["warnings"]] == ["ncf_range_missing"]
        assert next(r for r in rows if r["ncf_type"] == "B04")["document_type"] == \
            "credit_note"
        inv = next(row for row in rows if row["prefix"] == "INV-")
        assert inv["ncf_type"] is None and inv["remaining"] is None
        assert inv["warnings"] == []
        cot = next(row for row in rows if row["prefix"] == "COT-")
        assert cot["document_type"] == "quotation"

    @pytest.mark.parametrize("query,expected", [
        ({"document_type": "quotation"}, {"COT-"}),
        ({"filter[document_type]": "credit_note"}, {"B04", "E34"}),
        ({"ncf_type": "B02"}, {"B02"}),
        ({"is_fiscal": "false"}, {"INV-", "COT-"}),
        ({"is_fiscal": "true", "document_type": "invoice"},
         {"B01", "B02", "B14", "B15", "E31", "E32", "E44", "E45", "E46"}),
        ({"is_active": "false"}, {"B15"}),
    ])
    def test_filters(self, api, workspace, query, expected):
        DocumentSubtype.objects.filter(workspace=workspace, ncf_type="B15") \
            .update(is_active=False)
        response = api.get(URL, query)
        assert response.status_code == 200, response.content
        assert {r["ncf_type"] or r["prefix"] for r in response.json()["results"]} == expected

    @pytest.mark.parametrize("query", [{"document_type": "receipt"}, {"ncf_type": "B99"},
                                       {"is_fiscal": "perhaps"}, {"sort": "prefix"}])
    def test_bad_filter_or_sort_is_400(self, api, query):
        assert api.get(URL, query).status_code == 400

    def test_sort(self, api):
        names = [r["name"] for r in api.get(URL, {"sort": "-name"}).json()["results"]]
        assert names == sorted(names, reverse=True)

    def test_list_costs_the_same_queries_for_1_and_30_rows(self, api, workspace):
        DocumentSubtype.objects.filter(workspace=workspace).exclude(prefix="INV-").delete()
        api.get(URL)  # warm-up: the key's first use writes last_used_at
        with CaptureQueriesContext(connection) as one:
            assert api.get(URL, {"per_page": 100}).json()["count"] == 1
        for n in range(29):
            DocumentSubtypeFactory(workspace=workspace, prefix=f"S{n}-")
        with CaptureQueriesContext(connection) as thirty:
            assert api.get(URL, {"per_page": 100}).json()["count"] == 30
        assert len(one) == len(thirty)


class TestRoles:
    def test_seller_reads_but_may_not_write(self, workspace):
        seller = session_client(workspace, Role.SELLER)
        b01 = series(workspace)
        assert seller.get(URL).status_code == 200
        response = seller.patch(detail(b01), {"range_start": 1, "range_end": 500},
                                content_type="application/json")
        assert response.status_code == 403
        assert series(workspace).range_end is None
        assert seller.post(URL, {"name": "X", "prefix": "X-"},
                           content_type="application/json").status_code == 403

    def test_accountant_enters_a_range(self, workspace):
        accountant = session_client(workspace, Role.ACCOUNTANT)
        response = accountant.patch(detail(series(workspace)),
                                    {"range_start": 1, "range_end": 500},
                                    content_type="application/json")
        assert response.status_code == 200, response.content


class TestCreate:
    def test_fiscal_e_series_with_its_range(self, api, workspace):
        series(workspace, "E31").delete()  # a default series, recreated here by hand
        response = api.post(URL, {"name": "e-CF crédito fiscal", "document_type": "invoice",
                                  "ncf_type": "e31", "range_start": 1, "range_end": 1000},
                            format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["ncf_type"] == "E31" and body["padding"] == 10
        assert body["next_number"] == 1 and body["remaining"] == 1000
        assert body["valid_until"] == end_of_next_year()
        assert body["warnings"] == []
        created = DocumentSubtype.objects.get(pk=body["id"])
        assert created.format_number(1) == "E310000000001"
        assert Activity.objects.filter(target_type="fiscal.documentsubtype",
                                       target_id=created.pk, verb="created").exists()

    def test_plain_series(self, api):
        response = api.post(URL, {"name": "Nota de crédito interna",
                                  "document_type": "credit_note", "prefix": "NC-",
                                  "padding": 5}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["ncf_type"], body["prefix"], body["padding"]) == (None, "NC-", 5)
        assert body["remaining"] is None and body["next_number"] == 1

    def test_given_expiry_is_kept(self, api):
        until = (today() + datetime.timedelta(days=200)).isoformat()
        body = api.post(URL, {"name": "Exportaciones", "ncf_type": "B16", "range_start": 1,
                              "range_end": 50, "valid_until": until}, format="json").json()
        assert body["valid_until"] == until

    @pytest.mark.parametrize("body,field", [
        ({"ncf_type": "B16"}, "name"),
        ({"name": "X", "ncf_type": "B05"}, "ncf_type"),
        ({"name": "X", "ncf_type": "E42"}, "ncf_type"),
        ({"name": "X", "ncf_type": "B01"}, "ncf_type"),  # the workspace already has one
        ({"name": "X", "ncf_type": "B03", "document_type": "invoice"}, "ncf_type"),
        ({"name": "X", "ncf_type": "E34"}, "ncf_type"),  # a credit-note type, as invoice
        ({"name": "X", "ncf_type": "B16", "document_type": "quotation"}, "ncf_type"),
        ({"name": "X", "ncf_type": "B16", "prefix": "EXP-"}, "prefix"),
        ({"name": "X", "ncf_type": "B16", "padding": 4}, "padding"),
        ({"name": "X"}, "prefix"),
        ({"name": "X", "prefix": "has space"}, "prefix"),
        ({"name": "X", "prefix": "B01-"}, "prefix"),
        ({"name": "X", "prefix": "e31"}, "prefix"),
        ({"name": "X", "prefix": "INV-"}, "prefix"),  # taken by "Factura"
        ({"name": "X", "prefix": "X-", "padding": 0}, "padding"),
        ({"name": "X", "prefix": "X-", "range_end": 100}, "range_end"),
        ({"name": "X", "prefix": "X-", "valid_until": "2030-12-31"}, "valid_until"),
        ({"name": "X", "ncf_type": "B16", "range_start": 1}, "range_end"),
        ({"name": "X", "ncf_type": "B16", "range_end": 100}, "range_start"),
        ({"name": "X", "ncf_type": "B16", "range_start": 50, "range_end": 10}, "range_end"),
        ({"name": "X", "ncf_type": "B16", "range_start": 1, "range_end": 100000000},
         "range_end"),
        ({"name": "X", "ncf_type": "B16", "valid_until": "2030-12-31"}, "valid_until"),
        ({"name": "X", "ncf_type": "B16", "range_start": 1, "range_end": 10,
          "valid_until": "2020-12-31"}, "valid_until"),
        ({"name": "X", "ncf_type": "B16", "range_start": 10, "range_end": 20,
          "next_number": 5}, "next_number"),
        ({"name": "X", "ncf_type": "B16", "range_start": 10, "range_end": 20,
          "next_number": 22}, "next_number"),
        ({"name": "X", "document_type": "receipt", "prefix": "R-"}, "document_type"),
    ])
    def test_rules_are_400_naming_the_field(self, api, workspace, body, field):
        before = DocumentSubtype.objects.filter(workspace=workspace).count()
        assert_400(api.post(URL, body, format="json"), field)
        assert DocumentSubtype.objects.filter(workspace=workspace).count() == before

    def test_e_series_ranges_reach_ten_digits(self, api, workspace):
        response = api.patch(detail(series(workspace, "E32")),
                             {"range_start": 1, "range_end": 9_999_999_999}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["valid_until"] is None  # E32 sequences do not expire

    def test_a_plain_series_cannot_start_inside_numbers_already_issued(self, api,
                                                                       workspace):
        issued_invoice(plain(workspace), "NC-0007")
        message = assert_400(api.post(URL, {"name": "NC", "document_type": "credit_note",
                                            "prefix": "NC-"}, format="json"), "prefix")
        assert "NC-0007" in message
        response = api.post(URL, {"name": "NC", "document_type": "credit_note",
                                  "prefix": "NC-", "next_number": 8}, format="json")
        assert response.status_code == 201, response.content


class TestEnterRange:
    def test_entering_a_range_makes_the_series_issue(self, api, workspace):
        b01 = series(workspace)
        response = api.patch(detail(b01), {"range_start": 1, "range_end": 500}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["range_start"], body["next_number"], body["range_end"]) == (1, 1, 500)
        assert body["valid_until"] == end_of_next_year()
        assert body["remaining"] == 500 and body["warnings"] == []
        assert Activity.objects.filter(target_id=b01.pk, verb="range_entered").exists()

    def test_a_range_colliding_with_issued_numbers_is_refused(self, api, workspace):
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 20}, format="json")
        for n in range(1, 21):
            issued_invoice(b01, f"B01{n:08d}")
        DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=21)

        # Numbers were issued: the range is no longer typed over, a new one is added.
        response = api.patch(detail(b01), {"range_start": 21, "range_end": 500},
                             format="json")
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "range_in_use"
        assert "range_start" in response.json()["error"]["fields"]

        message = assert_400(api.post(f"{detail(b01)}/ranges",
                                      {"range_start": 11, "range_end": 500}, format="json"),
                             "range_start")
        assert "B0100000020" in message
        assert series(workspace).range_end == 20  # nothing written

        response = api.post(f"{detail(b01)}/ranges", {"range_start": 21, "range_end": 500},
                            format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        # The current range was used up, so the new one takes over at once.
        assert (body["range_start"], body["next_number"], body["remaining"]) == (21, 21, 480)
        assert [(r["range_start"], r["range_end"], r["status"]) for r in body["ranges"]] == [
            (1, 20, "finished"), (21, 500, "current")]

    def test_next_number_never_moves_by_hand_once_a_number_was_issued(self, api, workspace):
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 500}, format="json")
        issued_invoice(b01, "B0100000001")
        issued_invoice(b01, "B0100000002")
        DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=3)
        for wanted in (2, 5):  # neither back nor forward: a skipped number is unaccounted
            response = api.patch(detail(b01), {"next_number": wanted}, format="json")
            assert response.status_code == 409, response.content
            assert response.json()["error"]["code"] == "next_number_locked"
            assert "next_number" in response.json()["error"]["fields"]
        assert series(workspace).next_number == 3
        # Sending back what a GET returned changes nothing and is accepted.
        assert api.patch(detail(b01), {"next_number": 3, "name": "Crédito fiscal B"},
                         format="json").status_code == 200

    def test_before_anything_is_issued_the_first_range_may_be_corrected(self, api,
                                                                         workspace):
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 50}, format="json")
        body = api.patch(detail(b01), {"range_end": 500, "next_number": 1},
                         format="json").json()
        assert (body["range_start"], body["next_number"], body["range_end"]) == (1, 1, 500)
        assert [(r["range_start"], r["range_end"]) for r in body["ranges"]] == [(1, 500)]

    def test_a_used_range_is_not_typed_over(self, api, workspace):
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 50}, format="json")
        issued_invoice(b01, "B0100000001")
        DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=2)
        for body in ({"range_end": 500}, {"range_start": 1, "range_end": 500},
                     {"valid_until": (today() + datetime.timedelta(days=90)).isoformat()},
                     {"range_start": None, "range_end": None}):
            response = api.patch(detail(b01), body, format="json")
            assert response.status_code == 409, (body, response.content)
            assert response.json()["error"]["code"] == "range_in_use"
        b01.refresh_from_db()
        assert (b01.range_start, b01.next_number, b01.range_end) == (1, 2, 50)

    def test_numbers_handed_out_lock_the_range_even_without_documents(self, api, workspace):
        """Numbers voided (an e-CF range voided with an ANECF) moved the counter too."""
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 500}, format="json")
        DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=101)
        assert api.patch(detail(b01), {"range_end": 99}, format="json").status_code == 409

    def test_a_cancelled_invoice_still_holds_its_number(self, api, workspace):
        b02 = series(workspace, "B02")
        api.patch(detail(b02), {"range_start": 1, "range_end": 2000}, format="json")
        InvoiceFactory(workspace=workspace, document_subtype=b02, status="cancelled",
                       document_number="B0200000001")
        DocumentSubtype.objects.filter(pk=b02.pk).update(next_number=2)
        response = api.patch(detail(b02), {"next_number": 1}, format="json")
        assert response.status_code == 409
        assert "next_number" in response.json()["error"]["fields"]

    def test_quotation_numbers_count_for_their_series(self, api, workspace):
        cot = plain(workspace, "COT-")
        QuotationFactory(workspace=workspace, document_subtype=cot, document_number="COT-0009")
        for wanted in (9, 10):
            assert api.patch(detail(cot), {"next_number": wanted},
                             format="json").status_code == 409

    def test_numbers_of_other_workspaces_do_not_count(self, api, workspace, other_workspace):
        other_b01 = series(other_workspace)
        issued_invoice(other_b01, "B0100000300")
        response = api.patch(detail(series(workspace)), {"range_start": 1, "range_end": 500},
                             format="json")
        assert response.status_code == 200, response.content

    def test_new_range_replaces_the_old_expiry_unless_given(self, api, workspace):
        b01 = series(workspace)
        until = (today() + datetime.timedelta(days=10)).isoformat()
        api.patch(detail(b01), {"range_start": 1, "range_end": 10, "valid_until": until},
                  format="json")
        body = api.patch(detail(b01), {"range_start": 11, "range_end": 500},
                         format="json").json()
        assert body["valid_until"] == end_of_next_year()

    def test_clearing_the_range(self, api, workspace):
        b01 = series(workspace)
        api.patch(detail(b01), {"range_start": 1, "range_end": 10}, format="json")
        body = api.patch(detail(b01), {"range_start": None, "range_end": None},
                         format="json").json()
        assert (body["range_end"], body["valid_until"], body["remaining"]) == (None, None, 0)

    def test_a_series_with_documents_keeps_its_type(self, api, workspace):
        b14 = series(workspace, "B14")
        InvoiceFactory(workspace=workspace, document_subtype=b14)  # even a draft
        response = api.patch(detail(b14), {"ncf_type": "B16"}, format="json")
        assert response.status_code == 409
        assert "ncf_type" in response.json()["error"]["fields"]
        response = api.patch(detail(b14), {"document_type": "debit_note", "ncf_type": "B03"},
                             format="json")
        assert response.status_code == 409

    def test_an_unused_series_may_become_plain(self, api, workspace):
        b15 = series(workspace, "B15")
        assert_400(api.patch(detail(b15), {"ncf_type": None}, format="json"), "prefix")
        body = api.patch(detail(b15), {"ncf_type": None, "prefix": "GOB-"},
                         format="json").json()
        assert (body["ncf_type"], body["prefix"]) == (None, "GOB-")

    def test_a_plain_series_may_become_fiscal(self, api, workspace):
        created = api.post(URL, {"name": "Exportación", "prefix": "EXP-"},
                           format="json").json()
        response = api.patch(f"{URL}/{created['id']}", {"ncf_type": "B16"}, format="json")
        assert response.status_code == 200, response.content
        assert (response.json()["prefix"], response.json()["padding"]) == ("", 8)


class TestWarnings:
    def _set(self, workspace, code="B01", **fields):
        DocumentSubtype.objects.filter(workspace=workspace, ncf_type=code).update(**fields)

    def codes(self, api, workspace, code="B01") -> list[str]:
        body = api.get(detail(series(workspace, code))).json()
        return [warning["code"] for warning in body["warnings"]]

    @pytest.mark.parametrize("range_end,next_number,warned", [
        (500, 452, True),    # 49 left < 10% of 500 (50)
        (500, 451, False),   # 50 left
        (2000, 1902, True),  # 99 left < 100
        (2000, 1901, False),  # 100 left
        (20, 20, True),      # 1 left < 2
        (20, 19, False),     # 2 left, 10% of 20
    ])
    def test_few_numbers_left(self, api, workspace, range_end, next_number, warned):
        self._set(workspace, range_start=1, range_end=range_end, next_number=next_number,
                  valid_until=today() + datetime.timedelta(days=300))
        assert self.codes(api, workspace) == (["ncf_range_low"] if warned else [])

    @pytest.mark.parametrize("days,expected", [
        (31, []), (30, ["ncf_range_expiring"]), (0, ["ncf_range_expiring"]),
        (-1, ["ncf_range_expired"]),
    ])
    def test_expiry(self, api, workspace, days, expected):
        self._set(workspace, range_start=1, range_end=500,
                  valid_until=today() + datetime.timedelta(days=days))
        assert self.codes(api, workspace) == expected

    def test_used_up(self, api, workspace):
        self._set(workspace, range_start=1, range_end=500, next_number=501,
                  valid_until=today() + datetime.timedelta(days=300))
        body = api.get(detail(series(workspace))).json()
        assert [w["code"] for w in body["warnings"]] == ["ncf_range_exhausted"]
        assert "B01" in body["warnings"][0]["message"]

    def test_warning_message_is_in_the_users_language(self, workspace):
        self._set(workspace, range_start=1, range_end=500, next_number=480,
                  valid_until=today() + datetime.timedelta(days=300))
        client = session_client(workspace, Role.VIEWER)
        english = client.get(detail(series(workspace)), HTTP_ACCEPT_LANGUAGE="en")
        assert english.json()["warnings"][0]["message"].startswith("Only 21 numbers left")

    def test_inactive_series_carry_none(self, api, workspace):
        self._set(workspace, is_active=False)
        assert self.codes(api, workspace) == []


class TestDelete:
    def test_unused_series_is_deleted(self, api, workspace):
        b14 = series(workspace, "B14")
        assert api.delete(detail(b14)).status_code == 204
        assert not DocumentSubtype.objects.filter(pk=b14.pk).exists()

    def test_series_used_by_a_document_is_kept_409(self, api, workspace):
        inv = plain(workspace)
        InvoiceFactory(workspace=workspace, document_subtype=inv)
        response = api.delete(detail(inv))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "subtype_in_use"
        assert DocumentSubtype.objects.filter(pk=inv.pk).exists()
        assert api.patch(detail(inv), {"is_active": False}, format="json").status_code == 200
