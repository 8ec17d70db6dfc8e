from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "invoicing.core"
    label = "core"
