"""What the printed copy of an e-CF adds (DOMAIN.md "e-CF"): "e-NCF", the electronic type's
name, DGII's QR (a PNG inlined, printed 2.6 cm across, at least DGII's 2.2 cm), the security
code, the signing date and time, and the legend. B-series documents print as before."""

from __future__ import annotations

import base64

from django.utils import timezone

from .document import ECF_TYPE_NAMES, EcfType
from .issue import document_kind
from .models import EcfRecord
from .qr import qr_png

SANTO_DOMINGO = "America/Santo_Domingo"


def pdf_context(document, kind: str) -> dict:
    if not (document.document_number or "").startswith("E") or document.pk is None:
        return {}
    record = (EcfRecord.objects.filter(document_kind=document_kind(document),
                                       document_id=document.pk)
              .only("ecf_type", "security_code", "signed_at", "qr_url").first())
    if record is None:
        return {}
    from zoneinfo import ZoneInfo

    signed = timezone.localtime(record.signed_at, ZoneInfo(SANTO_DOMINGO))
    png = base64.b64encode(qr_png(record.qr_url, scale=4)).decode("ascii")
    return {
        "title": str(ECF_TYPE_NAMES[EcfType(int(record.ecf_type[1:]))]),
        "number_label": "e-NCF",
        "ecf": {"qr_src": f"data:image/png;base64,{png}", "qr_url": record.qr_url,
                "security_code": record.security_code,
                "signed_at": signed.strftime("%d-%m-%Y %H:%M:%S")},
    }
