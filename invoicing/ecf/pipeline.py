"""What the issuing transaction calls: one document in, everything to store out.

    signed = build_and_sign(document, credentials=signing_credentials(workspace),
                            environment=environment_for(workspace))
    # store signed.xml (never change it), signed.security_code, signed.signed_at,
    # signed.qr_url, signed.environment and, for an E32 under RD$250,000, signed.summary_xml

No database access here: the caller holds its locks and writes the results in its own
transaction. `EcfInvalid` (422 `ecf_invalid`) means nothing was signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from . import schemas
from .document import EcfDocument
from .qr import qr_url
from .signing import SigningCredentials, security_code, sign
from .xml import VoidedRange, anecf_xml, ecf_xml, rfce_xml


@dataclass(frozen=True)
class SignedEcf:
    xml: bytes  # the signed e-CF, byte for byte as stored and sent
    file_name: str  # {RNCEmisor}{eNCF}.xml
    security_code: str
    signed_at: datetime  # FechaHoraFirma, to the second
    qr_url: str
    environment: str
    summary_xml: bytes | None = None  # the signed RFCE of an E32 under RD$250,000

    def __repr__(self) -> str:
        return f"SignedEcf({self.file_name}, code={self.security_code})"


def _now() -> datetime:
    return timezone.now().replace(microsecond=0)


def build_and_sign(document: EcfDocument, *, credentials: SigningCredentials,
                   environment: str, signed_at: datetime | None = None) -> SignedEcf:
    """Build the e-CF of `document`, validate it against DGII's XSD, sign it, and (for an E32
    under RD$250,000) build and sign its RFCE summary too."""
    signed_at = (signed_at or _now()).replace(microsecond=0)
    signed = sign(ecf_xml(document, signed_at=signed_at), credentials)
    code = security_code(signed)
    summary = None
    if document.is_consumer_summary:
        summary = sign(rfce_xml(document, security_code=code), credentials)
    return SignedEcf(
        xml=signed, file_name=document.file_name, security_code=code, signed_at=signed_at,
        qr_url=qr_url(document, security_code=code, signed_at=signed_at,
                      environment=environment),
        environment=environment, summary_xml=summary,
    )


def sign_voiding(*, rnc: str, ranges: Sequence[VoidedRange], credentials: SigningCredentials,
                 voided_at: datetime | None = None) -> bytes:
    """The signed ANECF voiding unused e-NCF `ranges`."""
    return sign(anecf_xml(rnc=rnc, ranges=ranges, voided_at=voided_at or _now()), credentials)


def sign_seed(seed_xml: bytes, credentials: SigningCredentials) -> bytes:
    """DGII's authentication seed (`<SemillaModel>` from …/autenticacion/api/autenticacion/
    semilla), signed as DGII expects for …/validarsemilla. The seed is signed exactly as it
    came (its bytes are what DGII compares)."""
    schemas.assert_valid("SEMILLA", seed_xml, unsigned=True)
    signed = sign(seed_xml, credentials)
    schemas.assert_valid("SEMILLA", signed)
    return signed
