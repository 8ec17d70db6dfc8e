from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """What every fiscal document shares (abstract models, pricing, totals, policies, the line
    editor, the PDF). It has no tables of its own."""

    name = "invoicing.documents"
    label = "documents"
    verbose_name = _("Documents")
