"""Oversized and hostile bodies get a 4xx in the error shape and write nothing: a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is 413 with the limit (API and pages), JSON nested 100,000 deep is
400, a stock adjustment that would overflow the stock column is 400."""

import io
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from invoicing.contacts.models import Contact
from invoicing.core.api.parsers import MAX_DEPTH, JSONParser
from invoicing.core.limits import RequestTooLarge
from invoicing.products.models import Product, StockMovement
from invoicing.products.stock import stock_manual_record
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
CONTACTS = "/api/v1/contacts"
LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
DEEP = b"[" * 100_000 + b"]" * 100_000


def big_json() -> bytes:
    return json.dumps({"name": "Grande SRL", "notes": "x" * (3 * 1024 * 1024)}).encode()


def assert_too_large(response):
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert f"{LIMIT}" in error["message"].replace(",", "").replace(".", "")


def test_a_3_mb_api_body_is_413_with_the_limit(api):
    assert_too_large(api.generic("POST", CONTACTS, big_json(),
                                 content_type="application/json"))
    assert not Contact.objects.exists()


def test_a_3_mb_body_with_an_idempotency_key_is_413(api):
    response = api.generic("POST", CONTACTS, big_json(), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="big-1")
    assert_too_large(response)


def test_an_oversized_multipart_body_is_413_through_djangos_own_check(api):
    # Multipart passes the Content-Length check; Django refuses reading its fields (here the
    # Idempotency-Key fingerprint reads the body) and the API still answers 413.
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\n"
            + "x" * (LIMIT + 10) + f"\r\n--{boundary}--\r\n").encode()
    # The certificate upload is the API's multipart route (a JSON-only route answers 415).
    response = api.generic("POST", "/api/v1/ecf/certificate/", body,
                           content_type=f"multipart/form-data; boundary={boundary}",
                           HTTP_IDEMPOTENCY_KEY="big-2")
    assert_too_large(response)


def test_the_parser_reads_no_further_than_the_limit():
    stream = io.BytesIO(b" " * (LIMIT + 100))
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream)
    assert stream.tell() == LIMIT + 1


def test_a_large_page_form_is_a_plain_413_page(logged_in_client):
    response = logged_in_client.post(reverse("contacts:new"), {"name": "x" * (LIMIT + 10)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert str(LIMIT) in response.content.decode().replace(",", "").replace(".", "")
    assert not Contact.objects.exists()


def test_an_oversized_multipart_page_form_is_413(logged_in_client):
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n"
            + "x" * (LIMIT + 10) + f"\r\n--{boundary}--\r\n").encode()
    response = logged_in_client.generic(
        "POST", reverse("contacts:new"), body,
        content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413


@pytest.mark.parametrize("headers", [{}, {"HTTP_IDEMPOTENCY_KEY": "deep-1"}])
def test_json_nested_100000_deep_is_400(api, headers):
    response = api.generic("POST", CONTACTS, DEEP, content_type="application/json",
                           **headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"
    assert not Contact.objects.exists()


def test_json_just_past_the_depth_limit_is_400_and_at_it_is_parsed(api):
    over = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert api.generic("POST", CONTACTS, over, content_type="application/json"
                       ).json()["error"]["code"] == "malformed_request"
    assert JSONParser().parse(io.BytesIO(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)) is not None


@pytest.fixture
def stocked(workspace, owner):
    item = ProductFactory(workspace=workspace, tracks_inventory=True)
    stock_manual_record(workspace=workspace, product=item, quantity="100000",
                        kind="adjustment", note="Inventario inicial", actor=owner)
    return item


@pytest.mark.parametrize("quantity", ["9999999999.9999", "-9999999999.9999"])
def test_an_adjustment_that_overflows_the_stock_is_400(api, workspace, owner, stocked,
                                                       quantity):
    if quantity.startswith("-"):  # the other edge: a stock already deep below zero
        stock_manual_record(workspace=workspace, product=stocked, quantity="-200000",
                            kind="adjustment", note="Corrección", actor=owner)
    response = api.post("/api/v1/stock-movements", {
        "product_id": stocked.pk, "quantity": quantity, "kind": "adjustment",
        "note": "Conteo"}, format="json")
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]
    before = Decimal("100000") if not quantity.startswith("-") else Decimal("-100000")
    assert Product.objects.get(pk=stocked.pk).stock_quantity == before
    assert StockMovement.objects.filter(product=stocked).count() == (
        1 if before > 0 else 2)


def test_the_stock_may_reach_the_columns_edge(api, stocked):
    response = api.post("/api/v1/stock-movements", {
        "product_id": stocked.pk, "quantity": "9999899999.9999", "kind": "adjustment",
        "note": "Conteo"}, format="json")
    assert response.status_code == 201
    assert Product.objects.get(pk=stocked.pk).stock_quantity == Decimal("9999999999.9999")


def test_an_overflowing_adjustment_on_the_page_is_a_form_error(logged_in_client, stocked):
    response = logged_in_client.post(reverse("products:record_movement", args=[stocked.pk]), {
        "kind": "adjustment", "quantity": "9999999999.9999", "note": "Conteo"})
    assert response.status_code == 400 and "quantity" in response.context["movement_form"].errors
    assert Product.objects.get(pk=stocked.pk).stock_quantity == Decimal("100000")
