"""Voiding e-NCF that DGII never took (ANECF), batched per workspace: rejected documents
whose number DGII says was not used (`secuenciaUtilizada: false`) and `signed` documents
cancelled before they were sent. Each number is voided once (`number_voided_at`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from invoicing.core import outbox

from . import pipeline
from .dgii import DgiiRejected, DgiiUnavailable, client_for
from .models import EcfRecord, EcfStatus
from .selectors import signing_credentials
from .xml import VoidedRange

UNUSED = Q(status=EcfStatus.REJECTED, sequence_used=False) | Q(status=EcfStatus.VOIDED)


def ranges_of(numbers: Iterable[str]) -> list[VoidedRange]:
    """Consecutive e-NCF of one type grouped into ranges."""
    ranges: list[VoidedRange] = []
    for number in sorted(set(numbers)):
        last = ranges[-1] if ranges else None
        if last and last.last[:3] == number[:3] and int(number[3:]) == int(last.last[3:]) + 1:
            ranges[-1] = VoidedRange(first=last.first, last=number)
        else:
            ranges.append(VoidedRange(first=number, last=number))
    return ranges


def void_unused(workspace_id: int) -> int:
    """Send one ANECF for every unused number of the workspace not voided yet. Returns how
    many numbers DGII voided."""
    records = list(EcfRecord.objects.select_for_update(skip_locked=True)
                   .select_related("workspace")
                   .filter(UNUSED, workspace_id=workspace_id, number_voided_at__isnull=True)
                   .order_by("encf"))
    if not records:
        return 0
    workspace = records[0].workspace
    signed = pipeline.sign_voiding(rnc=records[0].rnc,
                                   ranges=ranges_of(r.encf for r in records),
                                   credentials=signing_credentials(workspace))
    with client_for(workspace) as client:
        try:
            client.void_range(signed)
        except DgiiUnavailable as exc:
            raise outbox.RetryLater(60, str(exc)) from exc
        except DgiiRejected:
            raise
    now = timezone.now()
    EcfRecord.objects.filter(pk__in=[r.pk for r in records]).update(number_voided_at=now,
                                                                  updated_at=now)
    return len(records)
