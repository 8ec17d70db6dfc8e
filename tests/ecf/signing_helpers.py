"""Test certificates and an enveloped XMLDSig signer, for the DGII client tests.

Stand-in until the product's signing module is merged: it signs the way DOMAIN.md describes
(RSA-SHA256, SHA-256 digest, inclusive C14N 1.0, X509Certificate only, default namespace).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner

DSIG = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class TestCertificate:
    key_pem: bytes
    cert_pem: bytes


def make_certificate(holder_id: str = "131246796", *, days: int = 365,
                     not_before: dt.datetime | None = None) -> TestCertificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"Prueba {holder_id}"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, holder_id),
    ])
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return TestCertificate(
        key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


def signer(certificate: TestCertificate, *, prefixed: bool = False) -> Callable[[bytes], bytes]:
    """`prefixed` writes `<ds:Signature>` (signxml's default), which DGII's samples do not."""

    def sign(xml: bytes) -> bytes:
        root = etree.fromstring(xml, parser=etree.XMLParser(remove_blank_text=True))
        xml_signer = XMLSigner(
            signature_algorithm=SignatureMethod.RSA_SHA256,
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
        )
        if not prefixed:
            xml_signer.namespaces = {None: DSIG}
        signed = xml_signer.sign(root, key=certificate.key_pem, cert=certificate.cert_pem,
                                 always_add_key_value=False)
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")

    return sign
