from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoicing.invoices"
    label = "invoices"
    verbose_name = _("Invoices")

    def ready(self) -> None:
        from . import pdf, tasks  # noqa: F401 - register the printed kind and outbox handlers
