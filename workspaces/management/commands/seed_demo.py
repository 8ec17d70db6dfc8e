"""`manage.py seed_demo`: the demo workspace `make run` shows a newcomer. Safe to run again:
it only adds what is missing.

Each app adds its part in `<app>/demo.py` with `seed(workspace, user)`, run in the order of
INSTALLED_APPS (catalog apps before the documents that use them).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from accounts.services import user_get_or_create
from invoicing.core.discovery import app_modules
from workspaces.models import Membership, Workspace
from workspaces.services import workspace_create, workspace_provision

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"
DEMO_WORKSPACE = "Comercial Demo SRL"



class Command(BaseCommand):
    help = "Load the demo workspace and its data (idempotent)."

    def handle(self, *args, **options):
        # What the demo writes in words (activity entries, names) is in the product's
        # language, whatever language the calling process happens to have active.
        with translation.override(settings.LANGUAGE_CODE):
            self._seed()

    def _seed(self):
        with transaction.atomic():
            user, created = user_get_or_create(email=DEMO_EMAIL, password=DEMO_PASSWORD,
                                               full_name="Demo")
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = True
            user.save()
            membership = (Membership.objects.filter(user=user, workspace__name=DEMO_WORKSPACE)
                          .select_related("workspace").first())
            if membership is None:
                workspace = workspace_create(
                    name=DEMO_WORKSPACE, owner=user, rnc="131246796",
                    address="Av. Abraham Lincoln 1003, Piantini, Santo Domingo",
                    phone="809-555-0100", email="facturacion@demo.do",
                )
            else:
                workspace = membership.workspace
                workspace_provision(workspace=workspace)
            Workspace.objects.filter(pk=workspace.pk).update(
                pdf_footer="Gracias por su compra. Cuentas: Banco Popular 123-456789-0."
            )
        for module in app_modules("demo"):
            with transaction.atomic():
                module.seed(workspace, user)
        self.stdout.write(f"Demo ready: {DEMO_EMAIL} / {DEMO_PASSWORD} in “{workspace.name}”.")
