"""`manage.py ecf_certificate WORKSPACE --p12 FILE --password-file F [--environment E]`:
install (or replace) a workspace's e-CF certificate from the command line. WORKSPACE is the
workspace's slug or id. Prints one JSON line with the certificate's metadata (never the
key); the password is read from a file so it stays out of the shell history."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoicing.core.errors import DomainError
from invoicing.ecf import selectors, services
from invoicing.ecf.models import Environment
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Install a workspace's e-CF certificate (PKCS#12) and, optionally, its environment."

    def add_arguments(self, parser):
        parser.add_argument("workspace", help="slug or id")
        parser.add_argument("--p12", required=True, help="the PKCS#12 file (.p12 / .pfx)")
        parser.add_argument("--password-file", required=True,
                            help="a file whose first line is the PKCS#12 password")
        parser.add_argument("--environment", choices=Environment.values)

    def handle(self, *args, workspace, p12, password_file, environment=None, **options):
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None and workspace.isdigit():
            found = Workspace.objects.filter(pk=int(workspace)).first()
        if found is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            data = Path(p12).read_bytes()
            password = Path(password_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            certificate = services.ecf_certificate_install(
                workspace=found, actor=None, p12_bytes=data,
                password=password[0] if password else "")
            if environment:
                services.ecf_settings_update(workspace=found, actor=None,
                                             environment=environment)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps({
            "workspace": found.slug, "subject": certificate.subject,
            "holder_tax_id": certificate.holder_tax_id,
            "serial_number": certificate.serial_number,
            "valid_from": certificate.valid_from.isoformat(),
            "valid_until": certificate.valid_until.isoformat(),
            "environment": selectors.environment_for(found),
        }))
