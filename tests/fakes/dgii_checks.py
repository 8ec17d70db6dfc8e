"""What the fake DGII checks in a document it receives, independently of our signing code.

- the XSD of the document's type (DGII's published schemas, in the set lxml compiles);
- the enveloped XMLDSig signature as DOMAIN.md describes it (RSA-SHA256, SHA-256 digest,
  inclusive C14N 1.0, `Reference URI=""`, X509Certificate only, default namespace), verified
  by xmlsec1 (Debian's libxmlsec) against the certificate embedded in the document, which
  must be in force.

Why xmlsec1 and not signxml's XMLVerifier: signxml 5.2 refuses valid signatures written in
the default namespace (the form DGII's samples use), which xmlsec1 verifies.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from lxml import etree

# The files DGII publishes (the set libxml2 compiles), compiled here on their own, not through
# the product's validation code.
XSD_DIR = Path(__file__).resolve().parents[2] / "invoicing" / "ecf" / "schemas" / "lxml"

DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N_1_0 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
ECF_TYPES = ("31", "32", "33", "34", "41", "43", "44", "45", "46", "47")

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_schema_lock = threading.Lock()


@dataclass
class Checked:
    """A received document after the checks: `errors` empty when DGII would take it."""

    root: etree._Element | None
    errors: list[str] = field(default_factory=list)
    holder_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, path: str) -> str:
        if self.root is None:
            return ""
        found = self.root.find(path)
        return (found.text or "").strip() if found is not None else ""


@cache
def _schema(filename: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / filename)))


def schema_name(root: etree._Element) -> str | None:
    if root.tag == "ECF":
        kind = (root.findtext("Encabezado/IdDoc/TipoeCF") or "").strip()
        return f"e-CF {kind} v.1.0.xsd" if kind in ECF_TYPES else None
    return {"RFCE": "RFCE 32 v.1.0.xsd", "ANECF": "ANECF v.1.0.xsd",
            "SemillaModel": "Semilla v.1.0.xsd"}.get(root.tag)


def check(document: bytes, *, expected_root: tuple[str, ...]) -> Checked:
    try:
        root = etree.fromstring(document, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        return Checked(root=None, errors=[f"XML mal formado: {exc}"])
    result = Checked(root=root)
    if root.tag not in expected_root:
        result.errors.append(f"Documento {root.tag} no corresponde a este servicio")
        return result
    name = schema_name(root)
    if name is None:
        result.errors.append("Tipo de comprobante desconocido")
        return result
    schema = _schema(name)
    with _schema_lock:  # one XMLSchema object is not meant for concurrent validations
        valid = schema.validate(root)
        errors = [f"XSD {name}: línea {e.line}: {e.message}" for e in schema.error_log]
    if not valid:
        result.errors.extend(errors)
    result.errors.extend(_check_signature(document, root, result))
    return result


def _check_signature(document: bytes, root: etree._Element, result: Checked) -> list[str]:
    signature = root[-1] if len(root) else None
    if signature is None or signature.tag != f"{{{DSIG}}}Signature":
        return ["Firma inválida: el documento no termina con una firma XMLDSig"]
    errors = []
    if signature.prefix is not None:
        errors.append("Firma inválida: la firma debe estar en el espacio de nombres por defecto")
    errors.extend(_check_algorithms(signature))
    certificate, cert_errors = _embedded_certificate(signature)
    errors.extend(cert_errors)
    if certificate is None:
        return errors
    serials = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    result.holder_id = str(serials[0].value) if serials else ""
    now = dt.datetime.now(dt.UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        errors.append("Certificado inválido: fuera de su vigencia")
    failure = _xmlsec_verify(document, certificate)
    if failure:
        errors.append(f"Firma inválida: {failure}")
    return errors


def _check_algorithms(signature: etree._Element) -> list[str]:
    ns = {"ds": DSIG}
    errors = []

    def algorithm(path: str) -> str:
        return signature.xpath(f"string({path}/@Algorithm)", namespaces=ns)

    if algorithm("ds:SignedInfo/ds:CanonicalizationMethod") != C14N_1_0:
        errors.append("Firma inválida: la canonicalización debe ser C14N 1.0 inclusiva")
    if algorithm("ds:SignedInfo/ds:SignatureMethod") != RSA_SHA256:
        errors.append("Firma inválida: el método de firma debe ser RSA-SHA256")
    references = signature.xpath("ds:SignedInfo/ds:Reference", namespaces=ns)
    if len(references) != 1 or references[0].get("URI") != "":
        errors.append('Firma inválida: se espera una sola referencia con URI=""')
        return errors
    transforms = references[0].xpath("ds:Transforms/ds:Transform/@Algorithm", namespaces=ns)
    if ENVELOPED not in transforms or set(transforms) - {ENVELOPED, C14N_1_0}:
        errors.append("Firma inválida: la transformación debe ser enveloped-signature")
    if algorithm("ds:SignedInfo/ds:Reference/ds:DigestMethod") != SHA256:
        errors.append("Firma inválida: el resumen debe ser SHA-256")
    return errors


def _embedded_certificate(signature: etree._Element):
    ns = {"ds": DSIG}
    key_info = signature.find(f"{{{DSIG}}}KeyInfo")
    if key_info is None:
        return None, ["Firma inválida: falta KeyInfo"]
    errors = []
    if key_info.xpath("ds:KeyValue", namespaces=ns):
        errors.append("Firma inválida: KeyInfo lleva solo X509Data/X509Certificate")
    found = key_info.xpath("ds:X509Data/ds:X509Certificate/text()", namespaces=ns)
    if len(found) != 1:
        return None, [*errors, "Firma inválida: se espera un X509Certificate"]
    try:
        der = base64.b64decode("".join(found[0].split()))
        return x509.load_der_x509_certificate(der), errors
    except ValueError as exc:
        return None, [*errors, f"Certificado inválido: {exc}"]


def _xmlsec_verify(document: bytes, certificate: x509.Certificate) -> str:
    """xmlsec1's complaint, or "" when the signature verifies with that certificate's key."""
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise RuntimeError("the fake DGII needs xmlsec1 (Debian package xmlsec1; "
                           "scripts/browser.sh installs it)")
    with tempfile.TemporaryDirectory() as folder:
        doc, pem = Path(folder, "doc.xml"), Path(folder, "cert.pem")
        doc.write_bytes(document)
        pem.write_bytes(certificate.public_bytes(Encoding.PEM))
        run = subprocess.run([xmlsec, "--verify", "--pubkey-cert-pem", str(pem), str(doc)],
                             capture_output=True, text=True, timeout=30, check=False)
    if run.returncode == 0:
        return ""
    lines = [line for line in run.stderr.splitlines() if "error=" in line or "FAIL" in line]
    return (lines[-1] if lines else run.stderr.strip())[-300:] or "no verifica"
