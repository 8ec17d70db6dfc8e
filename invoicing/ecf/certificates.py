"""The issuer's PKCS#12 file: opening it, checking it can sign e-CF, naming its holder, and
keeping its private key encrypted at rest (Fernet, `ECF_KEY_ENCRYPTION_KEY`).

DGII lets the business or a person it delegates ("Firmante") sign; the certificate's subject
serial number carries that holder's RNC, cédula or passport, often with an ETSI-style prefix
(`IDCDO-00113918205`: identity card, Dominican Republic; `TINDO-…`, `PASUS-…`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_der_private_key,
    pkcs12,
)
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.do import cedula, rnc

from invoicing.core.errors import InvalidInput

from .errors import CertificateUnusable
from .signing import SigningCredentials

MAX_FILE_BYTES = 256 * 1024  # a PKCS#12 with its chain is a few kilobytes
_PREFIX = re.compile(r"^(?P<kind>[A-Z]{3})(?P<country>[A-Z]{2})?[-: ]?(?P<rest>.+)$")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
# ETSI EN 319 412-1 identity types: IDC identity card, PNO personal number, TIN/VAT tax id,
# NTR trade register, PAS passport; RNC/CED as some local issuers write them.
_KNOWN_PREFIXES = {"IDC", "PNO", "TIN", "VAT", "NTR", "PAS", "RNC", "CED"}


class HolderKind:
    RNC = "rnc"
    CEDULA = "cedula"
    PASSPORT = "passport"


@dataclass(frozen=True)
class Holder:
    kind: str
    tax_id: str


def holder_from_serial_number(value: str) -> Holder | None:
    """The RNC, cédula or passport in a subject serialNumber, or None when it carries none."""
    text = (value or "").strip().upper()
    kind = ""
    match = _PREFIX.match(text)
    if match and match.group("kind") in _KNOWN_PREFIXES:
        kind, text = match.group("kind"), match.group("rest")
    compact = re.sub(r"[\s.\-]", "", text)
    if kind == "PAS":
        return Holder(HolderKind.PASSPORT, compact) if _PASSPORT.fullmatch(compact) else None
    if compact.isdigit():
        if len(compact) == 11 and cedula.is_valid(compact):
            return Holder(HolderKind.CEDULA, compact)
        if len(compact) == 9 and rnc.is_valid(compact):
            return Holder(HolderKind.RNC, compact)
        return None
    # Letters and digits without a known prefix: a foreign passport number.
    if not kind and _PASSPORT.fullmatch(compact) and any(c.isdigit() for c in compact) \
            and any(c.isalpha() for c in compact):
        return Holder(HolderKind.PASSPORT, compact)
    return None


@dataclass(frozen=True)
class OpenedCertificate:
    credentials: SigningCredentials
    subject: str
    issuer: str
    holder: Holder
    serial_number: str  # hex
    fingerprint_sha256: str
    valid_from: datetime
    valid_until: datetime

    def __repr__(self) -> str:
        return f"OpenedCertificate(subject={self.subject!r}, serial={self.serial_number})"


def _looks_like_pkcs12(data: bytes) -> bool:
    """A DER PFX starts with a SEQUENCE whose first element is INTEGER 3 (its version): lets
    us tell a wrong password from a file that is not PKCS#12 at all."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length_byte = data[1]
    offset = 2 + (length_byte & 0x7F if length_byte & 0x80 else 0)
    return data[offset:offset + 3] == b"\x02\x01\x03"


def open_pkcs12(data: bytes, password: str, *, now: datetime | None = None
                ) -> OpenedCertificate:
    """Open and check the issuer's PKCS#12 file. Each refusal is an InvalidInput on `file`
    or `password` saying what is wrong; the key never appears in a message."""
    if not data:
        raise InvalidInput(_("Choose the certificate file (.p12 or .pfx)."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(_("This file is too large to be a certificate (.p12 or .pfx)."),
                           field="file")
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None)
    except ValueError:
        if _looks_like_pkcs12(data):
            raise InvalidInput(_("The password does not open this certificate."),
                               field="password") from None
        raise InvalidInput(_("This file is not a PKCS#12 certificate (.p12 or .pfx)."),
                           field="file") from None
    if key is None or certificate is None:
        raise InvalidInput(_("The file must hold both the certificate and its private key."),
                           field="file")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidInput(_("DGII signs with RSA keys; this certificate's key is not RSA."),
                           field="file")
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise InvalidInput(_("The private key in the file does not belong to its certificate."),
                           field="file")
    now = now or timezone.now()
    valid_from, valid_until = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if valid_until <= now:
        raise InvalidInput(_("This certificate expired on %(date)s.")
                           % {"date": valid_until.date().isoformat()}, field="file")
    if valid_from > now:
        raise InvalidInput(_("This certificate is not valid before %(date)s.")
                           % {"date": valid_from.date().isoformat()}, field="file")
    serials = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    holder = holder_from_serial_number(str(serials[0].value)) if serials else None
    if holder is None:
        raise InvalidInput(_("The certificate's subject carries no RNC, cédula or passport in "
                             "its serial number; DGII does not accept it for e-CF."),
                           field="file")
    return OpenedCertificate(
        credentials=SigningCredentials(private_key=key, certificate=certificate),
        subject=certificate.subject.rfc4514_string()[:500],
        issuer=certificate.issuer.rfc4514_string()[:500],
        holder=holder,
        serial_number=f"{certificate.serial_number:x}",
        fingerprint_sha256=hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
        valid_from=valid_from, valid_until=valid_until,
    )


# --- The key at rest ------------------------------------------------------------------------
@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _box() -> MultiFernet:
    return _fernet(tuple(settings.ECF_KEY_ENCRYPTION_KEYS))


def seal_private_key(key: rsa.RSAPrivateKey) -> bytes:
    der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    return _box().encrypt(der)


def unseal_credentials(sealed_key: bytes, certificate_der: bytes) -> SigningCredentials:
    try:
        der = _box().decrypt(bytes(sealed_key))
    except InvalidToken:
        raise CertificateUnusable(_(
            "The stored certificate cannot be decrypted with this deployment's "
            "ECF_KEY_ENCRYPTION_KEY; install the certificate again.")) from None
    # Checked when installed; skipping the RSA consistency check saves milliseconds per sign.
    key = load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    return SigningCredentials(private_key=key,
                              certificate=x509.load_der_x509_certificate(certificate_der))
