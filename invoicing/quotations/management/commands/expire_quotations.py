"""Mark open quotations past their `valid_until` as expired (beat also runs this hourly as
`quotations.expire_due`)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from invoicing.quotations.services import quotations_expire_due


class Command(BaseCommand):
    help = "Mark draft and sent quotations whose validity has ended as expired."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Expire as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--workspace", type=int, help="Only this workspace id.")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        count = quotations_expire_due(today=today, workspace_id=options.get("workspace"))
        self.stdout.write(f"{count} quotation(s) expired.")
