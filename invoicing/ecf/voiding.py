"""Voiding e-NCF that DGII never took (ANECF), batched per workspace: rejected documents
whose number DGII says was not used (`secuenciaUtilizada: false`) and `signed` documents
cancelled before they were sent. Each number is voided once (`number_voided_at`); one held
by another worker when the batch is taken goes in a later batch, never nowhere."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.errors import InvalidInput
from workspaces.authorization import requires
from workspaces.services import activity_record

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
    # `of=("self",)`: the workspace's row (joined) is held by every job of the workspace;
    # skipping on it would leave numbers nobody is voiding.
    records = list(EcfRecord.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("workspace")
                   .filter(UNUSED, workspace_id=workspace_id, number_voided_at__isnull=True)
                   .order_by("encf"))
    held = (EcfRecord.objects.filter(UNUSED, workspace_id=workspace_id,
                                     number_voided_at__isnull=True)
            .exclude(pk__in=[r.pk for r in records]))
    if held.exists():  # held by another worker now (a sender that lost to a cancel…): later
        from .sending import VOID, backoff, later

        later(VOID, {"workspace_id": workspace_id}, workspace_id=workspace_id, delay=backoff(0))
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


RANGE_TOPIC = "ecf.void_range"


@requires("ecf_void_range")
@transaction.atomic
def ecf_numbers_void(*, workspace, actor, ncf_type: str, last: int) -> VoidedRange:
    """Void an E-series' unused numbers, from its next number up to `last` (an operator's
    contingency step: a range that will not be used, e.g. before the series expires). The
    counter moves past them in this transaction, so they are never issued; the signed ANECF
    goes to DGII in the background (outbox)."""
    from invoicing.fiscal.models import DocumentSubtype

    subtype = (DocumentSubtype.objects.select_for_update()
               .filter(workspace_id=workspace.pk, ncf_type=ncf_type).first())
    if subtype is None or not (ncf_type or "").startswith("E"):
        raise InvalidInput(_("No e-CF series %(code)s in this workspace.") % {"code": ncf_type},
                           field="ncf_type")
    first = subtype.next_number
    end = subtype.range_end
    if end is None or not first <= last <= end:
        raise InvalidInput(_("Void from the next number %(first)s up to at most %(end)s.")
                           % {"first": first, "end": end}, field="last")
    subtype.next_number = last + 1
    subtype.save(update_fields=["next_number"])
    voided = VoidedRange(first=subtype.format_number(first), last=subtype.format_number(last))
    outbox.enqueue(RANGE_TOPIC, {"workspace_id": workspace.pk, "first": voided.first,
                                 "last": voided.last}, workspace_id=workspace.pk)
    activity_record(workspace=workspace, actor=actor, verb="ecf_numbers_voided", target=subtype,
                    description=_("Unused e-NCF %(first)s–%(last)s voided")
                    % {"first": voided.first, "last": voided.last},
                    data={"first": voided.first, "last": voided.last})
    return voided


def send_voided_range(workspace_id: int, first: str, last: str) -> None:
    from workspaces.models import Workspace

    workspace = Workspace.objects.get(pk=workspace_id)
    signed = pipeline.sign_voiding(rnc=workspace.rnc, ranges=[VoidedRange(first, last)],
                                   credentials=signing_credentials(workspace))
    with client_for(workspace) as client:
        try:
            client.void_range(signed)
        except DgiiUnavailable as exc:
            raise outbox.RetryLater(60, str(exc)) from exc
