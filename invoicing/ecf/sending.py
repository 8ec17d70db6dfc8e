"""Sending issued e-CF to DGII and following its verdict (issue 15). Runs in the outbox's
handlers (`tasks.py`), after the issuing commit, never inside a request's transaction.

- Each document's row (`EcfRecord`) is locked while it is worked on: two deliveries of one
  message, a retry from the page and a cancel never act on it at once.
- Never twice: before any reception DGII is asked what it already has for that e-NCF
  (consultatrackids, or for an RFCE the consultation by e-NCF and security code). A worker
  killed after DGII took a document, or a reception whose answer was lost, is resolved by
  that question, not by sending again.
- Contingency: when DGII cannot be reached the document stays `signed` with
  `waiting_since`; one `ecf.resume` message per workspace sends the `signed` ones when DGII
  is back, oldest first (a newer document waits behind older ones).
- Never waiting with nothing scheduled: a resume that finds the oldest `signed` document
  held by another worker (whose `waiting_since` it may not see yet) comes back later
  instead of ending. Locks take only the record's row (`of=("self",)`): a join's rows
  (the workspace) are locked by every job of the workspace, and `SKIP LOCKED` on them
  would skip documents nobody holds.
- A verdict not given yet is asked again after `ECF_BACKOFF_SECONDS` (seconds, then
  minutes).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from workspaces.models import Activity

from .dgii import DgiiOutcomeUnknown, DgiiRejected, DgiiUnavailable, client_for
from .dgii_answers import Code, Message, Verdict
from .events import verdict_recorded
from .models import EcfRecord, EcfStatus

log = logging.getLogger(__name__)

SEND, POLL, RESUME, VOID = "ecf.send", "ecf.poll", "ecf.resume", "ecf.void"
RESUME_BATCH = 25
STATUS_OF = {Code.ACCEPTED: EcfStatus.ACCEPTED,
             Code.ACCEPTED_CONDITIONAL: EcfStatus.ACCEPTED_CONDITIONAL,
             Code.REJECTED: EcfStatus.REJECTED}


def backoff(attempt: int) -> float:
    steps = settings.ECF_BACKOFF_SECONDS
    return steps[min(max(attempt, 0), len(steps) - 1)]


def later(topic: str, payload: dict, *, workspace_id: int, delay: float) -> None:
    """A message due in `delay` seconds, handed to the broker with that countdown once the
    current transaction commits (the sweep is the safety net)."""
    message = outbox.enqueue(topic, payload, workspace_id=workspace_id, delay=delay)
    message_id = message.pk
    transaction.on_commit(lambda: outbox.publish(message_id, countdown=delay))


def _locked(queryset, *, skip_locked: bool = False):
    """The record's row only: `select_related("workspace")` would lock the workspace's row
    too, which every other job of the workspace holds while it works."""
    return (queryset.select_for_update(skip_locked=skip_locked, of=("self",))
            .select_related("workspace"))


def _lock(record_id: int, *, skip_locked: bool = False) -> EcfRecord | None:
    return _locked(EcfRecord.objects.filter(pk=record_id), skip_locked=skip_locked).first()


def _event(record: EcfRecord, verb: str, description: str, **data) -> None:
    """An activity entry on the document (its webhook event is `events.verdict_recorded`)."""
    model = record.document_label.partition(".")[2]
    Activity.objects.create(
        workspace_id=record.workspace_id, actor=None, verb=verb,
        target_type=record.document_label, target_id=record.document_id,
        description=description[:300],
        data={"encf": record.encf, "status": record.status, "track_id": record.track_id,
              "event": verb.replace("_", ".", 1), "document": model, **data})


def _messages(verdict_messages) -> list[dict]:
    return [{"code": m.code, "message": m.text} for m in verdict_messages]


def apply_verdict(record: EcfRecord, verdict: Verdict) -> bool:
    """Write DGII's final word on the record; False when it has none yet."""
    if not verdict.is_final:
        return False
    record.status = STATUS_OF[verdict.code]
    record.messages = _messages(verdict.messages)
    record.sequence_used = verdict.sequence_used
    record.answered_at = timezone.now()
    record.waiting_since = None
    record.save()
    verdict_recorded(record)  # the webhook event, in this transaction
    if record.status == EcfStatus.REJECTED:
        _event(record, "ecf_rejected", _("e-CF %(encf)s rejected by DGII") % {"encf": record.encf},
               messages=record.messages, sequence_used=record.sequence_used)
        if record.sequence_used is False:
            outbox.enqueue(VOID, {"workspace_id": record.workspace_id},
                           workspace_id=record.workspace_id)
    else:
        _event(record, "ecf_accepted", _("e-CF %(encf)s accepted by DGII") % {"encf": record.encf},
               conditional=record.status == EcfStatus.ACCEPTED_CONDITIONAL,
               messages=record.messages)
    return True


def _schedule_poll(record: EcfRecord) -> None:
    later(POLL, {"record_id": record.pk}, workspace_id=record.workspace_id,
          delay=backoff(record.polls))


def _wait(record: EcfRecord, resume_attempt: int = 0) -> None:
    """DGII cannot be reached: the record waits for the workspace's resume."""
    if record.waiting_since is None:
        record.waiting_since = timezone.now()
        record.save(update_fields=["waiting_since", "updated_at"])
    ensure_resume(record.workspace_id, attempt=resume_attempt)


def ensure_resume(workspace_id: int, *, attempt: int = 0) -> None:
    """One `ecf.resume` scheduled for the workspace (one running now does not count: it may
    have looked already). A scheduled one may still start before this transaction commits;
    it then finds this record locked and comes back (`resume`), so nothing is lost."""
    scheduled = OutboxMessage.objects.filter(
        topic=RESUME, workspace_id=workspace_id, done_at__isnull=True, failed_at__isnull=True,
        available_at__gt=timezone.now()).exists()
    if not scheduled:
        later(RESUME, {"workspace_id": workspace_id, "attempt": attempt},
              workspace_id=workspace_id, delay=backoff(attempt))


def _older_waiting(record: EcfRecord) -> bool:
    return EcfRecord.objects.filter(workspace_id=record.workspace_id, status=EcfStatus.SIGNED,
                                    waiting_since__isnull=False, pk__lt=record.pk).exists()


def _send_summary(client, record: EcfRecord) -> None:
    """An E32 under RD$250,000: DGII receives only its RFCE, and answers at once."""
    known = client.rfce_status(record.rnc, record.encf, record.security_code)
    if known.code == Code.NOT_FOUND:
        try:
            known = client.send_rfce(record.file_name, bytes(record.summary_xml))
        except DgiiOutcomeUnknown:
            known = client.rfce_status(record.rnc, record.encf, record.security_code)
            if known.code == Code.NOT_FOUND:
                raise
    record.sent_at = record.sent_at or timezone.now()
    if not apply_verdict(record, known):
        record.status = EcfStatus.SENT
        record.waiting_since = None
        record.save()
        _schedule_poll(record)


def _send_ecf(client, record: EcfRecord) -> None:
    entries = client.track_ids(record.rnc, record.encf)
    if entries:  # DGII has it already (a lost answer, or a worker killed after sending)
        track_id = entries[0].track_id
    else:
        try:
            track_id = client.send_ecf(record.file_name, bytes(record.xml))
        except DgiiOutcomeUnknown:
            entries = client.track_ids(record.rnc, record.encf)
            if not entries:
                raise
            track_id = entries[0].track_id
    record.track_id = track_id
    record.status = EcfStatus.SENT
    record.sent_at = timezone.now()
    record.waiting_since = None
    record.save()
    poll(record, client=client)


def attempt(record: EcfRecord, *, resume_attempt: int = 0) -> str:
    """Send one locked, `signed` record now. Returns what happened: `sent`, `waiting`
    (DGII unreachable: a resume is scheduled after `backoff(resume_attempt)`), `unknown`
    (asked again shortly) or `refused`."""
    client = client_for(record.workspace)
    try:
        if record.summary_xml is not None:
            _send_summary(client, record)
        else:
            _send_ecf(client, record)
        return "sent"
    except DgiiUnavailable as exc:
        log.info("ecf: DGII unreachable for %s: %s", record.encf, exc)
        _wait(record, resume_attempt)
        return "waiting"
    except DgiiOutcomeUnknown as exc:
        log.info("ecf: outcome of %s unknown: %s", record.encf, exc)
        later(SEND, {"record_id": record.pk}, workspace_id=record.workspace_id,
              delay=backoff(0))
        return "unknown"
    except DgiiRejected as exc:  # DGII refused to take it: never received, number unused
        record.sent_at = timezone.now()
        messages = exc.messages or (Message(code=str(exc.status_code or ""), text=str(exc)),)
        apply_verdict(record, Verdict(code=Code.REJECTED, state="Rechazado",
                                      sequence_used=False, messages=messages))
        return "refused"
    finally:
        client.close()


def send(record_id: int) -> str:
    """The `ecf.send` handler: send the record unless it is done, cancelled, or must wait
    behind older documents of its workspace that DGII has not received yet."""
    if not settings.ECF_SEND_TO_DGII:
        return "disabled"
    record = _lock(record_id)
    if record is None or record.status != EcfStatus.SIGNED:
        return "nothing"
    if _older_waiting(record):
        _wait(record)
        return "waiting"
    return attempt(record)


def poll(record: EcfRecord, *, client=None) -> None:
    """Ask DGII for the verdict of a `sent` record; ask again later when it has none."""
    own = client is None
    client = client or client_for(record.workspace)
    try:
        verdict = client.status(record.track_id)
    except DgiiUnavailable:
        verdict = None
    finally:
        if own:
            client.close()
    record.polls += 1
    if verdict is None or not apply_verdict(record, verdict):
        record.save(update_fields=["polls", "updated_at"])
        _schedule_poll(record)


def poll_message(record_id: int) -> None:
    record = _lock(record_id)
    if record is not None and record.status == EcfStatus.SENT:
        poll(record)


def resume(workspace_id: int, attempt_number: int = 0) -> int:
    """Send the workspace's `signed` documents, oldest first; stop at the first that still
    cannot reach DGII (and come back later, backing off). Returns how many went out.

    The oldest is taken or waited for, never skipped: another worker holding it (its own
    send, a retry, a cancel) may be about to set its `waiting_since`, relying on a resume
    that is this one; so the resume comes back shortly rather than end with it unsent, and
    a newer document never overtakes it."""
    if not settings.ECF_SEND_TO_DGII:
        return 0
    sent = 0
    signed = EcfRecord.objects.filter(workspace_id=workspace_id, status=EcfStatus.SIGNED)
    for _n in range(RESUME_BATCH):
        oldest = signed.order_by("pk").values_list("pk", flat=True).first()
        if oldest is None:
            return sent
        candidate = _locked(signed.filter(pk=oldest), skip_locked=True).first()
        if candidate is None:  # held by another worker right now (or just sent): look again
            ensure_resume(workspace_id, attempt=attempt_number)
            return sent
        outcome = attempt(candidate, resume_attempt=attempt_number + 1)
        if outcome == "waiting":  # `_wait` scheduled the next resume, backing off
            return sent
        if outcome == "unknown":  # still `signed`, asked again by its own `ecf.send`; the
            ensure_resume(workspace_id, attempt=attempt_number + 1)  # rest wait behind it
            return sent
        sent += 1
    later(RESUME, {"workspace_id": workspace_id, "attempt": 0}, workspace_id=workspace_id,
          delay=0.01)
    return sent
