from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiscalConfig(AppConfig):
    name = "invoicing.fiscal"
    label = "fiscal"
    verbose_name = _("Fiscal")

    def provision_workspace(self, workspace) -> None:
        from .services import fiscal_defaults_provision

        fiscal_defaults_provision(workspace=workspace)
