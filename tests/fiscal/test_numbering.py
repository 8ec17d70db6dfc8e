"""The allocator (`allocate_number`): order, formats, refusals with their message, rollback.
The concurrent run on PostgreSQL is in test_numbering_concurrency.py."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from invoicing.core.errors import NotFound
from invoicing.fiscal.models import DocumentSubtype
from invoicing.fiscal.numbering import (
    NumberingRefused,
    allocate_number,
    check_can_issue,
    default_valid_until,
)

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def allocate(subtype, on_date=None):
    with transaction.atomic():
        return allocate_number(workspace_id=subtype.workspace_id, subtype_id=subtype.pk,
                               on_date=on_date or today())


@pytest.fixture
def b01(workspace):
    subtype = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")
    DocumentSubtype.objects.filter(pk=subtype.pk).update(
        range_start=1, range_end=3, valid_until=today() + datetime.timedelta(days=100))
    subtype.refresh_from_db()
    return subtype


def test_numbers_come_in_order_with_the_ncf_format(b01):
    first, second = allocate(b01), allocate(b01)
    assert (first.sequence, first.document_number) == (1, "B0100000001")
    assert (second.sequence, second.document_number) == (2, "B0100000002")
    assert first.valid_until == b01.valid_until
    assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 3


def test_e_series_has_ten_digits(workspace):
    e31 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="E31")  # a default
    DocumentSubtype.objects.filter(pk=e31.pk).update(range_start=41, next_number=41,
                                                     range_end=100, valid_until=today())
    assert allocate(e31).document_number == "E310000000041"


def test_plain_series_needs_no_range_and_has_no_expiry(workspace):
    inv = DocumentSubtype.objects.get(workspace=workspace, prefix="INV-")
    allocated = allocate(inv, on_date=datetime.date(2099, 1, 1))
    assert (allocated.document_number, allocated.valid_until) == ("INV-0001", None)


def test_a_rollback_gives_the_number_back(b01):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert allocate_number(workspace_id=b01.workspace_id, subtype_id=b01.pk,
                               on_date=today()).sequence == 1
        raise RuntimeError("the document failed to save")
    assert allocate(b01).sequence == 1


def test_the_range_end_refuses_with_a_message_saying_what_to_do(b01):
    assert [allocate(b01).sequence for _ in range(3)] == [1, 2, 3]
    with override("en"), pytest.raises(NumberingRefused) as caught:
        allocate(b01)
    error = caught.value
    assert (error.code, error.http_status) == ("ncf_range_exhausted", 409)
    assert "B01" in error.message and "B0100000003" in error.message
    assert "new range" in error.message
    assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 4


def test_expiry_refuses_with_a_message_saying_what_to_do(b01):
    last_day = b01.valid_until
    assert allocate(b01, on_date=last_day).sequence == 1
    with override("en"), pytest.raises(NumberingRefused) as caught:
        allocate(b01, on_date=last_day + datetime.timedelta(days=1))
    error = caught.value
    assert error.code == "ncf_range_expired"
    assert last_day.strftime("%d/%m/%Y") in error.message and "B01" in error.message
    assert "new range DGII authorised" in error.message
    assert DocumentSubtype.objects.get(pk=b01.pk).next_number == 2  # nothing taken


def test_a_series_without_range_refuses(workspace):
    b02 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B02")
    with override("en"), pytest.raises(NumberingRefused) as caught:
        allocate(b02)
    assert caught.value.code == "ncf_range_missing"
    assert "Enter the range DGII authorised" in caught.value.message


def test_an_inactive_series_refuses(b01):
    DocumentSubtype.objects.filter(pk=b01.pk).update(is_active=False)
    with pytest.raises(NumberingRefused) as caught:
        allocate(b01)
    assert caught.value.code == "subtype_inactive"


def test_the_message_is_in_the_users_language(b01):
    DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=4)
    b01.refresh_from_db()
    with override("en"), pytest.raises(NumberingRefused) as english:
        check_can_issue(b01, today())
    with override("es"), pytest.raises(NumberingRefused) as spanish:
        check_can_issue(b01, today())
    assert english.value.code == spanish.value.code == "ncf_range_exhausted"


def test_a_series_of_another_workspace_is_not_found(b01, other_workspace):
    with pytest.raises(NotFound), transaction.atomic():
        allocate_number(workspace_id=other_workspace.pk, subtype_id=b01.pk, on_date=today())


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_a_programming_error(b01):
    with pytest.raises(RuntimeError):
        allocate_number(workspace_id=b01.workspace_id, subtype_id=b01.pk, on_date=today())


@pytest.mark.parametrize("authorised,expected", [
    (datetime.date(2025, 1, 2), datetime.date(2026, 12, 31)),
    (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31)),
    (datetime.date(2024, 2, 29), datetime.date(2025, 12, 31)),
])
def test_dgii_ranges_expire_on_31_december_of_the_next_year(authorised, expected):
    assert default_valid_until(authorised) == expected
