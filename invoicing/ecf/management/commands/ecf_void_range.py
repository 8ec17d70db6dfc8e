"""`manage.py ecf_void_range WORKSPACE --series E31 --to N`: void an e-CF series' unused
numbers, from its next number up to N, with a signed ANECF (sent to DGII by the worker). The
series' counter moves past them at once, so they are never issued. Prints one JSON line."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from invoicing.core.errors import DomainError
from invoicing.ecf.voiding import ecf_numbers_void
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Void a workspace's unused e-NCF (from the series' next number up to --to)."

    def add_arguments(self, parser):
        parser.add_argument("workspace", help="slug or id")
        parser.add_argument("--series", required=True, help="the e-CF type, e.g. E31")
        parser.add_argument("--to", type=int, required=True,
                            help="the last sequence number to void")

    def handle(self, *args, workspace, series, to, **options):
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None and workspace.isdigit():
            found = Workspace.objects.filter(pk=int(workspace)).first()
        if found is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            voided = ecf_numbers_void(workspace=found, actor=None, ncf_type=series.upper(),
                                      last=to)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps({"first": voided.first, "last": voided.last,
                                      "count": voided.count}))
