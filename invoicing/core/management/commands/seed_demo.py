"""`manage.py seed_demo`: the demo workspace `make run` shows a newcomer. Safe to run again:
it only adds what is missing.

Each app adds its part in `<app>/demo.py` with `seed(workspace, user)`, run in the order
below (contacts and products before the documents that use them).
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.services import user_get_or_create
from workspaces.models import Membership, Workspace
from workspaces.services import workspace_create, workspace_provision

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"
DEMO_WORKSPACE = "Comercial Demo SRL"

SEEDERS = [
    "invoicing.fiscal.demo",
    "invoicing.contacts.demo",
    "invoicing.products.demo",
    "invoicing.invoices.demo",
    "invoicing.quotations.demo",
]


class Command(BaseCommand):
    help = "Load the demo workspace and its data (idempotent)."

    def handle(self, *args, **options):
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
        for dotted in SEEDERS:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            with transaction.atomic():
                module.seed(workspace, user)
        self.stdout.write(f"Demo ready: {DEMO_EMAIL} / {DEMO_PASSWORD} in “{workspace.name}”.")
