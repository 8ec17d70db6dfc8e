from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "invoicing.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from invoicing.core import events

        from . import tasks  # noqa: F401  (registers the outbox handlers)
        from .services import record_event, wanted_types

        events.register_sink(events.Sink(wanted=wanted_types, record=record_event))
