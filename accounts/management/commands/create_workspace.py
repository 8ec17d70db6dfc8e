"""`manage.py create_workspace "Acme SRL" --owner owner@example.com [--password PW] [--rnc …]`

Creates the workspace with its Dominican defaults, the owner if missing, and a fresh API key
(acting as admin),
and prints one JSON line: {"workspace_id": 1, "slug": "acme-srl", "api_key": "…"}.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import api_key_create, user_get_or_create
from invoicing.core.errors import DomainError
from workspaces.roles import Role
from workspaces.services import workspace_create


class Command(BaseCommand):
    help = "Create a workspace, its owner and an API key; print them as JSON."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--owner", required=True, help="Owner's email (created if missing).")
        parser.add_argument("--password", default=None)
        parser.add_argument("--rnc", default="")

    def handle(self, *args, name, owner, password, rnc, **options):
        try:
            with transaction.atomic():
                user, created = user_get_or_create(email=owner, password=password)
                if not created and password:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                workspace = workspace_create(name=name, owner=user, rnc=rnc)
                # Admin, not owner: the key can do all the API offers but grant
                # or remove the owner role (README "Workspaces, users and keys").
                issued = api_key_create(workspace=workspace, actor=user,
                                        name="create_workspace", role=Role.ADMIN)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps({
            "workspace_id": workspace.pk, "slug": workspace.slug, "api_key": issued.clear_key,
        }))
