from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcfConfig(AppConfig):
    name = "invoicing.ecf"
    label = "ecf"
    verbose_name = _("Electronic invoicing (e-CF)")

    def ready(self) -> None:
        from invoicing.documents import issuing

        from .selectors import is_electronic_issuer

        def available(subtype) -> bool:
            # E-series numbers are e-CF: only an electronic issuer can use them.
            return not (subtype.ncf_type or "").startswith("E") \
                or is_electronic_issuer(subtype.workspace)

        from . import blocks, issue, tasks  # noqa: F401 - the outbox handlers register

        issuing.register(available=available, before=issue.before, numbered=issue.numbered,
                         cancelling=issue.cancelling)
        blocks.register()

        from . import notes

        notes.register()

        from invoicing.documents.pdf.kinds import register_context

        from .printed import pdf_context

        register_context(pdf_context)
