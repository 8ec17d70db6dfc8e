"""XMLDSig as DGII takes it: an enveloped signature over the whole document
(`Reference URI=""`, the enveloped-signature transform), RSA-SHA256 with a SHA-256 digest,
inclusive C14N 1.0, `KeyInfo/X509Data/X509Certificate` only, in the default namespace
(`<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">`).

signxml builds and computes the signature (a maintained implementation of the spec, on the
lxml and cryptography we already use); we fix its configuration to DGII's profile and
canonicalise re-parsed copies (see `_DgiiSigner`). The signed bytes returned here are the
document: nothing may change them afterwards, not even whitespace.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
    methods,
)

from .schemas import SAFE_PARSER

DS = "http://www.w3.org/2000/09/xmldsig#"
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


@dataclass(frozen=True)
class SigningCredentials:
    """The issuer's private key and its certificate (from the PKCS#12 file). Never logged."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def __repr__(self) -> str:  # keep the key out of tracebacks and debug pages
        return f"SigningCredentials(certificate={self.certificate.serial_number:x})"

    @cached_property
    def certificate_base64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(Encoding.DER)).decode("ascii")


class _ReparsedC14N:
    """Serialise and re-parse every node before canonicalising it. libxml2's inclusive C14N
    of a subtree in place (SignedInfo inside its document) emits spurious `xmlns=""` on
    descendants of a default-namespace signature (`<Transforms xmlns="">`), so a signature
    computed or checked that way disagrees with every other verifier. The re-parsed copy
    canonicalises as the spec says (xmlsec1 agrees)."""

    def _c14n(self, nodes, algorithm, inclusive_ns_prefixes=None):
        nodes = nodes if isinstance(nodes, list) else [nodes]
        reparsed = [etree.fromstring(etree.tostring(node, with_tail=False), SAFE_PARSER)
                    for node in nodes]
        return super()._c14n(reparsed, algorithm, inclusive_ns_prefixes=inclusive_ns_prefixes)


class _DgiiSigner(_ReparsedC14N, XMLSigner):
    pass


class _DgiiVerifier(_ReparsedC14N, XMLVerifier):
    pass


def _signer() -> XMLSigner:
    signer = _DgiiSigner(method=methods.enveloped,
                         signature_algorithm=SignatureMethod.RSA_SHA256,
                         digest_algorithm=DigestAlgorithm.SHA256,
                         c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0)
    signer.namespaces = {None: DS}  # DGII's samples: the signature in the default namespace
    return signer


def _key_info(credentials: SigningCredentials) -> etree._Element:
    # Unqualified names: inside <Signature xmlns=DS> they are in the ds namespace, the way
    # signxml writes its own elements under a default-namespace signature.
    key_info = etree.Element("KeyInfo")
    data = etree.SubElement(key_info, "X509Data")
    etree.SubElement(data, "X509Certificate").text = credentials.certificate_base64
    return key_info


def sign(xml: bytes, credentials: SigningCredentials) -> bytes:
    """`xml` (a DGII document without signature) with its enveloped signature appended as
    the last child of the root: the exact bytes to store and send."""
    root = etree.fromstring(xml, SAFE_PARSER)
    signed = _signer().sign(
        root, key=credentials.private_key, key_info=_key_info(credentials),
        exclude_c14n_transform_element=True,  # DGII lists only the enveloped transform
    )
    return XML_DECLARATION + etree.tostring(signed, encoding="UTF-8")


def _signature(signed: bytes) -> etree._Element:
    root = etree.fromstring(signed, SAFE_PARSER)
    signature = root.find(f"{{{DS}}}Signature")
    if signature is None:
        raise ValueError("the document carries no XMLDSig signature")
    return signature


def signature_value(signed: bytes) -> str:
    text = _signature(signed).findtext(f"{{{DS}}}SignatureValue") or ""
    return "".join(text.split())


def security_code(signed: bytes) -> str:
    """DGII's `CodigoSeguridad`: the first 6 characters of the base64 SignatureValue."""
    return signature_value(signed)[:6]


def embedded_certificate(signed: bytes) -> x509.Certificate:
    text = _signature(signed).findtext(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    return x509.load_der_x509_certificate(base64.b64decode("".join((text or "").split())))


def verify(signed: bytes) -> x509.Certificate:
    """Check the signature against the certificate it embeds (DGII's check); returns that
    certificate. Raises `signxml.exceptions.InvalidSignature` when it does not verify.
    Whether the certificate belongs to the issuer is the caller's question."""
    certificate = embedded_certificate(signed)
    config = SignatureConfiguration(
        require_x509=True, expect_references=1,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    _DgiiVerifier().verify(signed, x509_cert=certificate, expect_config=config)
    return certificate
