"""Outreach's outbox handler and beat tasks: take ids, reload, call a service.

`outreach.email` sends one delivery. A delivery already sent is never sent again (a
redelivered message stops at its status); an SMTP failure raises, so the outbox retries it
with a growing delay (its `last_error` shows on the document meanwhile), and after the last
attempt the delivery is marked failed and the activity log says why. Nothing else fails with
it: the document and its transaction were committed long before.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import outbox
from workspaces.services import activity_record

from .documents import KINDS
from .models import DeliveryStatus, EmailDelivery

EMAIL_ATTEMPTS = 5


def _give_up(message) -> None:
    delivery = EmailDelivery.objects.filter(pk=message.payload.get("delivery_id")).first()
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return
    delivery.status = DeliveryStatus.FAILED
    delivery.last_error = message.last_error
    delivery.save(update_fields=["status", "last_error"])
    document = KINDS[delivery.kind].get(delivery.workspace_id, delivery.document_id)
    if document is not None:
        activity_record(workspace=document.workspace, actor=None, verb="email_failed",
                        target=document,
                        description=_("Email to %(to)s failed: %(error)s")
                        % {"to": ", ".join(delivery.to + delivery.cc),
                           "error": message.last_error[:200]},
                        data={"delivery_id": delivery.pk})


@outbox.handler("outreach.email", max_attempts=EMAIL_ATTEMPTS, on_give_up=_give_up)
def send_email(message) -> bool:
    from .mail import build_message

    delivery = (EmailDelivery.objects.select_for_update()
                .filter(pk=message.payload["delivery_id"]).first())
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return False
    document = KINDS[delivery.kind].get(delivery.workspace_id, delivery.document_id)
    if document is None:
        return False
    email = build_message(delivery, document, link_url=delivery.link_url)
    email.send()  # an SMTP error raises: the outbox retries, then gives up
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.attachments = [name for name, _content, _type in email.attachments]
    delivery.save(update_fields=["status", "sent_at", "last_error", "attachments"])
    activity_record(workspace=document.workspace, actor=None, verb="email_sent",
                    target=document,
                    description=_("Emailed to %(to)s") % {"to": ", ".join(delivery.to
                                                                         + delivery.cc)},
                    data={"delivery_id": delivery.pk, "attachments": delivery.attachments})
    return True


@outbox.handler("outreach.recurring_failed", max_attempts=5)
def tell_admins(message) -> int:
    """A recurring invoice could not be made: its workspace's admins and owners hear why."""
    from django.conf import settings
    from django.core.mail import send_mail

    from workspaces.models import Membership
    from workspaces.roles import Role

    from .models import RecurringInvoice

    template = (RecurringInvoice.objects.select_related("workspace", "contact")
                .filter(pk=message.payload["template_id"]).first())
    if template is None:
        return 0
    emails = list(Membership.objects.active().filter(
        workspace_id=template.workspace_id, role__in=(Role.ADMIN, Role.OWNER))
        .values_list("user__email", flat=True))
    if not emails:
        return 0
    return send_mail(
        subject=_("A recurring invoice for %(customer)s could not be made")
        % {"customer": template.contact.name},
        message=_("%(workspace)s: the recurring invoice for %(customer)s failed: %(error)s. "
                  "The next run tries again.")
        % {"workspace": template.workspace.name, "customer": template.contact.name,
           "error": message.payload.get("error", "")},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=emails)


@shared_task(name="outreach.send_reminders", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def send_reminders() -> int:
    from .reminders import reminders_run

    return reminders_run()


@shared_task(name="outreach.run_recurring", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def run_recurring() -> int:
    from .recurring import recurring_run_due

    return recurring_run_due()
