"""In a real browser: an accountant enters the NCF range DGII authorised, sees it with its
remaining numbers, and a colliding range is refused next to its field."""

from __future__ import annotations

import pytest

from invoicing.fiscal.models import DocumentSubtype

pytestmark = pytest.mark.browser


def test_enter_a_range_and_see_it_listed(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff
    b01 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")

    page.goto("/settings/fiscal/subtypes/")
    row = page.get_by_test_id("subtype-B01")
    assert row.locator("[data-code=ncf_range_missing]").count() == 1
    row.locator(f"a[href='/settings/fiscal/subtypes/{b01.pk}/range/']").click()

    # The expiry DGII gives (31 December of next year) is offered.
    assert page.input_value("input[name=valid_until]").endswith("-12-31")
    page.fill("input[name=range_start]", "1")
    page.fill("input[name=range_end]", "500")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/settings/fiscal/subtypes/")

    row = page.get_by_test_id("subtype-B01")
    assert "B0100000001 – B0100000500" in row.inner_text()
    assert "500" in row.locator("td.num").inner_text()
    assert row.locator(".warning-list").count() == 0

    # Numbers 1–20 were issued; a range starting at 5 collides and is refused on its field.
    DocumentSubtype.objects.filter(pk=b01.pk).update(next_number=21)
    from tests.factories import InvoiceFactory

    InvoiceFactory(workspace=workspace, document_subtype=b01, status="pending_payment",
                   document_number="B0100000020")
    page.goto(f"/settings/fiscal/subtypes/{b01.pk}/range/")
    page.fill("input[name=range_start]", "5")
    page.fill("input[name=range_end]", "900")
    page.click("button[type=submit].primary")
    error = page.locator("#id_range_start-error")
    assert "B0100000020" in error.inner_text()
    assert DocumentSubtype.objects.get(pk=b01.pk).range_end == 500
