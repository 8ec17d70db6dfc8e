"""The renderer never fetches a remote URL and reads no file but our static files and the
workspace logo (issue 6; TIPS.md "PDFs")."""

from __future__ import annotations

import http.server
import io
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from PIL import Image

from invoicing.documents.pdf import build_document_context, html_to_pdf, link_callback
from invoicing.invoices.pdf import invoice_pdf
from tests.invoices.pdf_builders import build_invoice, plain_subtype
from tests.invoices.pdf_text import pdf_text

PNG_HEADER = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png(size=(120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#b42318").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def http_server():
    """A local server that answers any GET with a PNG and counts the requests."""
    hits: list[str] = []
    body = _png()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _page_with(*tags: str) -> str:
    return "<html><head>" + "".join(t for t in tags if t.startswith("<link")) + \
        "</head><body><p>Factura</p>" + "".join(t for t in tags if not t.startswith("<link")) + \
        "</body></html>"


def test_control_the_test_server_is_reachable_when_nothing_guards(http_server):
    """Without our callback and policy, xhtml2pdf would fetch it: so the next test means
    something."""
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import PERMISSIVE_POLICY

    base, hits = http_server
    pisa.CreatePDF(_page_with(f'<img src="{base}/control.png">'), dest=io.BytesIO(),
                   resource_policy=PERMISSIVE_POLICY)
    assert hits == ["/control.png"]


def test_remote_urls_are_never_fetched(http_server):
    base, hits = http_server
    content = html_to_pdf(_page_with(
        f'<img src="{base}/logo.png">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f'<div style="background-image: url({base}/bg.png)">x</div>',
        f'<img src="//127.0.0.1:{base.rsplit(":", 1)[1]}/scheme-relative.png">',
    ))
    assert content.startswith(b"%PDF-")
    assert hits == []


@pytest.mark.parametrize("uri", [
    "http://example.com/logo.png",
    "https://example.com/logo.png",
    "//example.com/logo.png",
    "file:///etc/passwd",
    "/etc/passwd",
    "../../etc/passwd",
    "/static/../../../etc/passwd",
    "/static/css/app.css?v=1",
    "/media/logos/../../../etc/hostname",
    "data:text/html;base64,PGgxPng8L2gxPg==",
    "ftp://example.com/x.png",
])
def test_link_callback_refuses_anything_but_our_static_files(uri):
    resolved = link_callback(uri, None)
    assert resolved == "refused:resource"


def test_link_callback_resolves_our_static_files_and_inline_images():
    css = Path(link_callback("/static/css/app.css", None))
    assert css.is_file()
    assert css == (Path(django_settings.BASE_DIR) / "static" / "css" / "app.css").resolve()
    inline = "data:image/png;base64,iVBORw0KGgo="
    assert link_callback(inline, None) == inline


def test_a_local_file_outside_the_static_roots_is_not_read(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png((300, 300)))
    with_secret = html_to_pdf(_page_with(f'<img src="{secret}">',
                                         f'<img src="file://{secret}">'))
    without = html_to_pdf(_page_with())
    # An embedded image would add its pixels to the file; nothing was embedded.
    assert b"/Subtype /Image" not in with_secret
    assert abs(len(with_secret) - len(without)) < 200


def test_the_workspace_logo_prints_and_is_read_through_storage(workspace):
    workspace.logo.save("acme.png", ContentFile(_png()), save=True)
    invoice = build_invoice(workspace, subtype=plain_subtype(workspace))
    logo = build_document_context(invoice, kind="invoice")["issuer"]["logo"]
    assert logo["src"].startswith("data:image/png;base64,")
    assert b"/Subtype /Image" in invoice_pdf(invoice).content


@pytest.mark.parametrize("name", ["../../../../etc/hostname", "/etc/hostname",
                                  "http://example.com/logo.png", "logos/missing.png"])
def test_a_logo_pointing_outside_the_storage_is_left_off(workspace, name, http_server):
    workspace.logo.name = name
    workspace.save()
    invoice = build_invoice(workspace, subtype=plain_subtype(workspace))
    assert build_document_context(invoice, kind="invoice")["issuer"]["logo"] is None
    content = invoice_pdf(invoice).content
    assert b"/Subtype /Image" not in content
    assert http_server[1] == []


def test_a_logo_that_is_not_an_image_is_left_off(workspace):
    workspace.logo.save("logo.png", ContentFile(b"<svg onload='x'>" + PNG_HEADER), save=True)
    invoice = build_invoice(workspace, subtype=plain_subtype(workspace))
    assert build_document_context(invoice, kind="invoice")["issuer"]["logo"] is None


def test_user_text_cannot_inject_markup(workspace, http_server):
    base, hits = http_server
    invoice = build_invoice(workspace, subtype=plain_subtype(workspace),
                            notes=f'<img src="{base}/notes.png"> <b>negrita</b>')
    text = pdf_text(invoice_pdf(invoice).content)
    assert "<b>negrita</b>" in text  # printed as text, not read as markup
    assert hits == []
