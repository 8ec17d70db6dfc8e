"""Open quotations lapse: past `valid_until` a draft or sent offer becomes expired (a
periodic task, and the admin for one)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict
from workspaces.services import activity_record

from .models import OPEN_STATUSES, Quotation, QuotationStatus


def _expire_one(pk: int, today: datetime.date, actor: Any = None) -> bool:
    """Mark one open quotation expired if it is past its validity; False if it no longer
    qualifies or another transaction holds it (a conversion: it will be seen next run)."""
    with transaction.atomic():
        quotation = (Quotation.objects.select_for_update(of=("self",), skip_locked=True)
                     .select_related("workspace")
                     .filter(pk=pk, status__in=OPEN_STATUSES, valid_until__lt=today).first())
        if quotation is None:
            return False
        quotation.status = QuotationStatus.EXPIRED
        quotation.save(update_fields=["status", "updated_at"])
        activity_record(workspace=quotation.workspace, actor=actor, verb="expired",
                        target=quotation,
                        description=_("Expired (valid until %(date)s)")
                        % {"date": quotation.valid_until.strftime("%d/%m/%Y")})
        return True


def quotation_expire(*, quotation: Quotation, actor: Any = None,
                     today: datetime.date | None = None) -> Quotation:
    """Expire one open quotation that is past its validity (409 otherwise)."""
    today = today or timezone.localdate()
    if not _expire_one(quotation.pk, today, actor):
        current = Quotation.objects.get(pk=quotation.pk)
        if current.status == QuotationStatus.EXPIRED:
            return current
        raise Conflict(_("%(number)s is %(status)s and valid until %(date)s; it does not "
                         "expire yet.") % {"number": current,
                                           "status": current.get_status_display(),
                                           "date": current.valid_until.strftime("%d/%m/%Y")},
                       code="quotation_not_due")
    return Quotation.objects.get(pk=quotation.pk)


def quotations_expire_due(*, today: datetime.date | None = None,
                          workspace_id: int | None = None) -> int:
    """Mark every open quotation whose validity ended before `today` as expired; returns how
    many. Each row in its own short transaction (compare-and-set under the row lock), so a run
    that repeats or overlaps another changes nothing twice."""
    today = today or timezone.localdate()
    due = Quotation.objects.due_to_expire(today)
    if workspace_id is not None:
        due = due.filter(workspace_id=workspace_id)
    return sum(_expire_one(pk, today) for pk in due.order_by("pk").values_list("pk", flat=True))
