from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotationsConfig(AppConfig):
    name = "invoicing.quotations"
    label = "quotations"
    verbose_name = _("Quotations")

    def ready(self) -> None:
        from . import pdf  # noqa: F401 - registers the printed kind
