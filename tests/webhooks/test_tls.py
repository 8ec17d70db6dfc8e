"""HTTPS receivers: we connect to the checked address but verify the certificate for the
host name, so a receiver whose certificate we cannot trust gets no event."""

from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from invoicing.webhooks import transport


@pytest.fixture
def self_signed_receiver(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], received, tmp_path / "cert.pem"
    httpd.shutdown()
    httpd.server_close()


def test_an_untrusted_certificate_is_a_failed_attempt(self_signed_receiver):
    port, received, _cert = self_signed_receiver
    answer = transport.post(f"https://localhost:{port}/hooks", b"{}", {})
    assert answer.status_code is None and not answer.succeeded
    assert "CERTIFICATE_VERIFY_FAILED" in answer.error or "certificate" in answer.error.lower()
    assert received == []


def test_a_trusted_certificate_for_the_name_is_delivered_to_over_the_checked_address(
        self_signed_receiver, settings):
    port, received, cert = self_signed_receiver
    settings.WEBHOOKS_CA_BUNDLE = str(cert)  # a deployment that trusts its own CA
    answer = transport.post(f"https://localhost:{port}/hooks", b'{"ok":1}', {})
    assert answer.succeeded and answer.status_code == 204, answer
    assert received == [b'{"ok":1}']
    # The same receiver by its address: the certificate names localhost, not 127.0.0.1.
    by_address = transport.post(f"https://127.0.0.1:{port}/hooks", b"{}", {})
    assert not by_address.succeeded and len(received) == 1
