"""A client generated from the served schema works (issue 18). `openapi-python-client`
builds a Python package from the live server's `/api/v1/schema/` into a temporary folder,
failing on any schema construct it cannot handle; then a short script using only that
package, in a child process, creates a contact, a product and an invoice, reads the
invoice's PDF and looks the buyer up in the RNC registry. Loopback only: no network."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from tests.conftest import api_client_for, make_workspace
from tests.factories import RncRegistryEntryFactory, UserFactory

pytestmark = pytest.mark.integration

# The generator has no reader for `application/pdf`; it handles binary bodies declared as
# octet-stream. (The schema says what the server sends: application/pdf.) No post hooks:
# they would run ruff over the generated code.
GENERATOR_CONFIG = {"content_type_overrides": {"application/pdf": "application/octet-stream",
                                              "application/xml": "application/octet-stream"},
                    "post_hooks": []}

SCRIPT = r'''
import json
import sys

from invoicing_client import AuthenticatedClient
from invoicing_client.api.contacts import contacts_create
from invoicing_client.api.document_subtypes import document_subtypes_list
from invoicing_client.api.invoices import invoices_create, invoices_pdf_retrieve
from invoicing_client.api.products import products_create
from invoicing_client.api.rnc import rnc_retrieve
from invoicing_client.api.taxes import taxes_list
from invoicing_client.models import (
    ContactRequest, Invoice, InvoiceInputRequest, ItemInputRequest, Product,
    ProductInputRequest, TaxIdTypeEnum,
)
from invoicing_client.types import File

base_url, api_key = sys.argv[1], sys.argv[2]
client = AuthenticatedClient(base_url=base_url, token=api_key, raise_on_unexpected_status=True)

registered = rnc_retrieve.sync(client=client, tax_id="1-31-24679-6")
contact = contacts_create.sync(client=client, body=ContactRequest(
    name=registered.name, tax_id_type=TaxIdTypeEnum.RNC, tax_id="1-31-24679-6",
    email="compras@bisono.do"), idempotency_key="client-contact-1")
itbis = next(tax for tax in taxes_list.sync(client=client, per_page=100).results
             if tax.name == "ITBIS 18%")
product = products_create.sync(client=client, body=ProductInputRequest(
    sku="CEM-42", name="Cemento gris 42.5 kg", unit_price="495.00", tax_ids=[itbis.id]))
assert isinstance(product, Product), product
series = next(s for s in document_subtypes_list.sync(client=client, per_page=100).results
              if s.prefix == "INV-")
invoice = invoices_create.sync(client=client, body=InvoiceInputRequest(
    contact_id=contact.id, document_subtype_id=series.id, payment_term="Net 30",
    items=[ItemInputRequest(product_id=product.id, quantity="2")]))
assert isinstance(invoice, Invoice), invoice
pdf = invoices_pdf_retrieve.sync(client=client, id=invoice.id)
assert isinstance(pdf, File), pdf
print(json.dumps({
    "registered": registered.name, "status": registered.status,
    "contact": [contact.id, contact.tax_id], "product": product.id,
    "invoice": [invoice.id, invoice.document_number, invoice.status.value,
                invoice.total_amount, invoice.contact_id],
    "pdf": pdf.payload.read()[:5].decode("latin-1"),
}))
'''


def test_a_generated_client_creates_an_invoice_and_reads_its_pdf(live_server, transactional_db,
                                                                  tmp_path):
    owner = UserFactory(email="client-owner@example.com")
    workspace = make_workspace("Acme SRL", owner=owner)
    api_key = api_client_for(workspace, owner).api_key
    RncRegistryEntryFactory(tax_id="131246796", name="CONSTRUCTORA BISONÓ, SRL")

    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json",
                                timeout=60) as response:
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.json").write_text(json.dumps(GENERATOR_CONFIG))
    generated = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate",
         "--path", str(tmp_path / "schema.json"), "--config", str(tmp_path / "config.json"),
         "--output-path", str(tmp_path / "invoicing_client"), "--meta", "none",
         "--fail-on-warning"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    assert (tmp_path / "invoicing_client" / "api" / "invoices").is_dir()

    (tmp_path / "script.py").write_text(SCRIPT)
    ran = subprocess.run([sys.executable, "script.py", live_server.url, api_key],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])

    from invoicing.invoices.models import Invoice

    invoice = Invoice.objects.get(pk=result["invoice"][0])
    assert invoice.workspace == workspace and invoice.contact_id == result["contact"][0]
    assert result["registered"] == "CONSTRUCTORA BISONÓ, SRL" and result["status"] == "ACTIVO"
    assert result["contact"][1] == "131246796"
    assert result["invoice"][1] == invoice.document_number and result["invoice"][1]
    assert result["invoice"][2] == "pending_payment"
    assert result["invoice"][3] == str(invoice.total_amount) == "1168.20"
    assert result["pdf"] == "%PDF-"
