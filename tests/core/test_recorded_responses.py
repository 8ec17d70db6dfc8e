"""The documents core changed how answers are built, not what they say: one scenario of API
calls, recorded against the code before the change (commit 18e8694), is replayed here and
every answer must equal the recorded one as JSON.

Ids, timestamps and secrets are replaced by stable placeholders before comparing (they
differ from run to run, not between renderers). Fields added to the API since the
recording are listed in `ADDED_SINCE` and left out of the comparison; a field that changes
its value, or disappears, fails the test.

Re-record (only when an answer is meant to change; say why in the commit):
    RECORD_RESPONSES=1 pytest tests/core/test_recorded_responses.py
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import SalesmanFactory
from tests.invoices.helpers import customer, fiscal_subtype, plain_subtype, product, tax

pytestmark = pytest.mark.django_db

RECORDING = Path(__file__).parent / "data" / "recorded_responses.json"

# Keys the API answers with today that the recording predates: (resource kind, key).
# `ecf`: the e-CF block (issue 14), null on these B-series and plain invoices.
ADDED_SINCE: set[tuple[str, str]] = {("invoice", "ecf")}

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_ID_KEYS = re.compile(r"(^id$|_id$|_ids$)")


def scenario(api, workspace) -> list[tuple[str, str, object]]:
    """Every read and write a client does in a day, answered in order: (label, kind, JSON)."""
    answers: list[tuple[str, str, object]] = []

    def call(label, kind, method, url, body=None, expect=200):
        response = getattr(api, method)(url, body, format="json") if body is not None \
            else getattr(api, method)(url)
        assert response.status_code == expect, (label, response.status_code, response.content)
        payload = response.json()
        answers.append((label, kind, payload))
        return payload

    today = timezone.localdate()
    buyer = customer(workspace, name="Constructora Bisonó SRL", tax_id="131246796",
                     tax_id_type="rnc", email="compras@bisono.do")
    walk_in = customer(workspace, name="Consumidor de paso")
    itbis, exempt = tax(workspace, "ITBIS 18%").pk, tax(workspace, "Exento").pk
    service = product(workspace, name="Consultoría", price="1500.00")
    stocked = product(workspace, name="Cemento gris", price="455.50", tracks_inventory=True)
    seller = SalesmanFactory(workspace=workspace, name="María Fernández")
    b01 = fiscal_subtype(workspace, "B01", start=1, end=100)
    b02 = fiscal_subtype(workspace, "B02", start=1, end=100)
    for series in (b01, b02):  # a fixed distance from today, whatever the day of the run
        series.valid_until = today + timedelta(days=300)
        series.save()

    plain = call("plain invoice", "invoice", "post", "/api/v1/invoices", {
        "contact_id": walk_in.pk, "document_subtype_id": plain_subtype(workspace).pk,
        "items": [
            {"product_id": service.pk, "quantity": "2", "tax_ids": [itbis]},
            {"description": "Viáticos", "quantity": "1", "unit_price": "350.00",
             "tax_ids": [exempt], "discount_percent": "10"},
        ],
        "notes": "Gracias por preferirnos", "salesman_ids": [seller.pk],
    }, expect=201)
    fiscal = call("B01 invoice", "invoice", "post", "/api/v1/invoices", {
        "contact_id": buyer.pk, "document_subtype_id": b01.pk,
        "items": [{"product_id": stocked.pk, "quantity": "3.5", "tax_ids": [itbis]},
                  {"description": "Transporte", "quantity": "1", "unit_price": "1200.00",
                   "tax_ids": [itbis]}],
        "payment_term": "30 días", "due_date": str(today + timedelta(days=30)),
    }, expect=201)
    draft = call("B02 draft", "invoice", "post", "/api/v1/invoices", {
        "contact_id": walk_in.pk, "document_subtype_id": b02.pk, "status": "draft",
        "items": [{"description": "Reparación", "quantity": "1", "unit_price": "999.99",
                   "tax_ids": [itbis]}],
    }, expect=201)
    call("issue the draft", "invoice", "post", f"/api/v1/invoices/{draft['id']}/issue", {})
    call("partial payment", "payment", "post", "/api/v1/payments",
         {"invoice_id": fiscal["id"], "amount": "1000.00", "method": "bank_transfer",
          "reference": "TRF-001"}, expect=201)
    call("cancel", "invoice", "post", f"/api/v1/invoices/{plain['id']}/cancel",
         {"reason_code": "04", "reason": "Datos equivocados"})
    quotation = call("quotation", "quotation", "post", "/api/v1/quotations", {
        "contact_id": buyer.pk, "payment_term": "50% adelanto",
        "items": [{"product_id": service.pk, "quantity": "4", "tax_ids": [itbis]}],
    }, expect=201)
    call("send quotation", "quotation", "post",
         f"/api/v1/quotations/{quotation['id']}/send", {})
    call("convert", "invoice", "post", f"/api/v1/quotations/{quotation['id']}/convert",
         {"document_subtype_id": b01.pk}, expect=201)

    for resource, kind in (("invoices", "invoice"), ("quotations", "quotation"),
                           ("payments", "payment"), ("contacts", "contact"),
                           ("products", "product"), ("stock-movements", "stock-movement"),
                           ("taxes", "tax"), ("document-subtypes", "document-subtype"),
                           ("currencies", "currency"), ("salesmen", "salesman")):
        listing = call(f"list {resource}", f"page:{kind}", "get", f"/api/v1/{resource}")
        for row in listing["results"][:3]:
            call(f"read {resource}", kind, "get", f"/api/v1/{resource}/{row['id']}")
    call("filtered", "page:invoice", "get",
         f"/api/v1/invoices?status=pending_payment&contact_id={buyer.pk}")
    return answers


class Normaliser:
    """Ids become `#n` in order of first appearance, timestamps `<time>`, dates relative to
    today, secrets and links `<…>`: what differs between two runs of the same calls."""

    def __init__(self):
        self.ids: dict[object, str] = {}
        self.today = timezone.localdate()

    def _id(self, value):
        if value is None:
            return None
        return self.ids.setdefault(value, f"#{len(self.ids) + 1}")

    def value(self, key: str, value):
        if isinstance(value, dict):
            return {k: self.value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            if _ID_KEYS.search(key) and all(isinstance(v, int) for v in value):
                return [self._id(v) for v in value]
            return [self.value(key, v) for v in value]
        if _ID_KEYS.search(key) and isinstance(value, int):
            return self._id(value)
        if isinstance(value, str):
            if _TIMESTAMP.match(value):
                return "<time>"
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                from datetime import date

                return f"today{(date.fromisoformat(value) - self.today).days:+d}"
            if key in ("url", "pdf_url", "next", "previous") or value.startswith("http"):
                return re.sub(r"\d+", "<n>", value)
        return value


def normalised(answers) -> list[dict]:
    normaliser = Normaliser()
    return [{"label": label, "kind": kind, "answer": normaliser.value("", payload)}
            for label, kind, payload in answers]


def without_added(kind: str, payload):
    """The answer minus the keys added since the recording, at every depth of that kind."""
    base = kind.removeprefix("page:")
    if isinstance(payload, dict):
        if kind.startswith("page:") and "results" in payload:
            return {**payload, "results": [without_added(base, r) for r in payload["results"]]}
        return {k: v for k, v in payload.items() if (base, k) not in ADDED_SINCE}
    return payload


def test_every_answer_equals_the_recorded_one(api, workspace):
    current = normalised(scenario(api, workspace))
    if os.environ.get("RECORD_RESPONSES"):
        RECORDING.parent.mkdir(exist_ok=True)
        RECORDING.write_text(json.dumps(current, indent=1, ensure_ascii=False, sort_keys=True)
                             + "\n", encoding="utf-8")
        pytest.skip("recorded")
    recorded = json.loads(RECORDING.read_text(encoding="utf-8"))
    assert [a["label"] for a in current] == [r["label"] for r in recorded]
    for now, then in zip(current, recorded, strict=True):
        assert without_added(now["kind"], now["answer"]) == then["answer"], now["label"]
