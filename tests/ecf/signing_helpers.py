"""Test certificates, and signers over the product's signing module for the DGII tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner

from invoicing.ecf.pipeline import sign_seed
from invoicing.ecf.signing import SigningCredentials, sign

DSIG = "http://www.w3.org/2000/09/xmldsig#"


def make_certificate(holder_id: str = "131246796", *, days: int = 365,
                     not_before: dt.datetime | None = None) -> SigningCredentials:
    """A self-signed certificate whose subject serial number is `holder_id`, with its key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"Prueba {holder_id}"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, holder_id),
    ])
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return SigningCredentials(private_key=key, certificate=certificate)


def signer(credentials: SigningCredentials) -> Callable[[bytes], bytes]:
    """The product's signature, for any document (an e-CF, an RFCE, an ANECF)."""
    return lambda xml: sign(xml, credentials)


def seed_signer(credentials: SigningCredentials) -> Callable[[bytes], bytes]:
    """What the DGII client is given in production: the product's seed signing."""
    return lambda xml: sign_seed(xml, credentials)


def prefixed_signer(credentials: SigningCredentials) -> Callable[[bytes], bytes]:
    """A valid signature DGII's samples never show: `<ds:Signature>` (signxml's default)."""
    def sign_prefixed(xml: bytes) -> bytes:
        signed = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                           digest_algorithm=DigestAlgorithm.SHA256,
                           c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
                           ).sign(etree.fromstring(xml), key=credentials.private_key,
                                  cert=[credentials.certificate], always_add_key_value=False)
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")

    return sign_prefixed
