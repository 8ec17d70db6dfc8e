"""A range can be entered as the NCFs DGII's authorisation prints (`B0100000101` to
`B0100000600`, dashes and spaces as typed) as well as by sequence numbers; an NCF of
another type, or of the wrong length, is refused next to its field."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.fiscal.models import DocumentSubtype

pytestmark = pytest.mark.django_db


def series(workspace, code):
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type=code)


def enter(client, subtype, **fields):
    data = {"valid_until": f"{timezone.localdate().year + 1}-12-31", **fields}
    return client.post(reverse("fiscal:subtype_range", args=[subtype.pk]), data)


def test_the_range_as_dgii_prints_it(logged_in_client, workspace):
    b01 = series(workspace, "B01")
    page = logged_in_client.get(reverse("fiscal:subtype_range", args=[b01.pk])).content.decode()
    assert "B0100000101" in page  # the help text's example
    response = enter(logged_in_client, b01, range_start="B0100000101",
                     range_end="b01-0000 0600")
    assert response.status_code == 302, response.content.decode()[:2000]
    b01.refresh_from_db()
    assert (b01.range_start, b01.next_number, b01.range_end) == (101, 101, 600)


def test_sequence_numbers_still_work(logged_in_client, workspace):
    b02 = series(workspace, "B02")
    assert enter(logged_in_client, b02, range_start="1", range_end="250").status_code == 302
    b02.refresh_from_db()
    assert (b02.range_start, b02.range_end) == (1, 250)


@pytest.mark.parametrize("start", ["B0200000101", "B01000101", "B01-ABC", "0"])
def test_an_ncf_of_another_type_or_length_is_refused(logged_in_client, workspace, start):
    b01 = series(workspace, "B01")
    response = enter(logged_in_client, b01, range_start=start, range_end="B0100000600")
    assert response.status_code == 200
    b01.refresh_from_db()
    assert b01.range_end is None
    html = response.content.decode()
    assert ("no es un número de secuencia" in html or "mayor o igual" in html
            or "is neither" in html or "greater than" in html), html[-3000:]
