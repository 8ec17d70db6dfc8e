from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "invoicing.outreach"
    label = "outreach"
    verbose_name = _("Customer outreach")

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the outbox handlers
