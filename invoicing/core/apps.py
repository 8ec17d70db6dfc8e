from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "invoicing.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the outbox tasks with Celery
        from .labels import name_default_fields

        name_default_fields()
