from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotesConfig(AppConfig):
    name = "invoicing.notes"
    label = "notes"
    verbose_name = _("Credit and debit notes")

    def ready(self) -> None:
        from . import pdf, tasks  # noqa: F401 - register the printed kind and outbox handlers
