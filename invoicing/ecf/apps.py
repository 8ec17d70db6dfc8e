from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcfConfig(AppConfig):
    name = "invoicing.ecf"
    label = "ecf"
    verbose_name = _("Electronic invoicing (e-CF)")
