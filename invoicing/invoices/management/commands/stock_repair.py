"""Write the stock movements of issued invoices that are still missing them.

The outbox sweep is the safety net for lost messages; this is the operators' tool to bring
everything in line at once. An invoice that cannot be repaired is reported on stderr and
skipped; the others are repaired and the command still succeeds (run it again once the cause
is fixed).
"""

from django.core.management.base import BaseCommand

from invoicing.invoices.repair import repair_stock


class Command(BaseCommand):
    help = "Bring the stock ledger in line with every invoice whose movements are missing."

    def handle(self, *args, **options):
        report = repair_stock()
        for pk, message in sorted(report.failures.items()):
            self.stderr.write(f"Invoice {pk} not repaired: {message}")
        self.stdout.write(f"{report.invoices} invoice(s) repaired, {report.movements} "
                          f"movement(s) written, {len(report.failures)} failed.")
